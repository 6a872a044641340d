// The API reference page's reading of the OpenAPI document: types and limits in words, nested fields
// flattened, descriptions split into plain, code and strong runs (never HTML), curl that a shell
// takes as written, and every operation and error code of the document on the page.
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '$lib/server/api/errors';
import { buildOpenApiDocument } from '$lib/server/api/openapi';
import { apiReference, constraints, textParts, typeName } from '$lib/server/api/openapi-reference';

const doc = buildOpenApiDocument({ requestsPerMinute: 60, runsPerMinute: 5 });
const reference = apiReference(doc, 'https://studio.example');

describe('reading schemas', () => {
	it('names types as a reader writes them', () => {
		expect(typeName({ type: 'string', format: 'uuid' })).toBe('string (uuid)');
		expect(typeName({ type: ['string', 'null'] })).toBe('string | null');
		expect(typeName({ type: 'string', enum: ['auto', 'never'] })).toBe('"auto" | "never"');
		expect(typeName({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map of string');
		expect(typeName({ type: 'array', items: { $ref: '#/components/schemas/PromptSummary' } })).toBe('PromptSummary[]');
		expect(typeName({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } })).toBe('(string | null)[]');
		expect(typeName({})).toBe('any');
	});

	it('puts limits and defaults in words', () => {
		expect(constraints({ type: 'string', minLength: 1, maxLength: 40 })).toBe('at least 1 character, at most 40 characters');
		expect(constraints({ type: 'object', maxProperties: 100, propertyNames: { maxLength: 64 }, additionalProperties: { type: 'string', maxLength: 5 }, default: {} })).toBe(
			'at most 100 entries, names at most 64 characters, values at most 5 characters, default {}'
		);
		expect(constraints({ type: 'number', exclusiveMinimum: 0, maximum: 1 })).toBe('> 0, ≤ 1');
	});

	it('splits descriptions into text, code and strong runs, keeping < as text', () => {
		expect(textParts('**Auth.** Send `Authorization: Bearer <token>` now')).toEqual([
			{ kind: 'strong', text: 'Auth.' },
			{ kind: 'text', text: ' Send ' },
			{ kind: 'code', text: 'Authorization: Bearer <token>' },
			{ kind: 'text', text: ' now' }
		]);
		expect(textParts(undefined)).toEqual([]);
	});
});

describe('the reference', () => {
	it('has every operation of the document, with its scope', () => {
		const expected = Object.entries(doc.paths).flatMap(([path, methods]) =>
			Object.entries(methods).map(([method, op]) => ({ id: op.operationId, method: method.toUpperCase(), path, scope: op.security[0]!.bearerAuth[0] }))
		);
		expect(reference.operations.map(({ id, method, path, scope }) => ({ id, method, path, scope }))).toEqual(expected);
		expect(expected.length).toBeGreaterThanOrEqual(4);
	});

	it("flattens the render body's fields and the listed prompts' fields", () => {
		const render = reference.operations.find((op) => op.id === 'renderPrompt')!;
		expect(render.body!.fields.map((f) => f.name)).toEqual(['label', 'version', 'variables']);
		expect(render.body!.fields.find((f) => f.name === 'variables')).toMatchObject({ type: 'map of string', required: false, constraints: expect.stringContaining('at most 100 entries') });
		const list = reference.operations.find((op) => op.id === 'listPrompts')!;
		expect(list.responseFields.map((f) => f.name)).toContain('prompts[].slug');
	});

	it('writes curl a shell runs as given: the origin, the token variable, the body quoted, -N for streams', () => {
		const run = reference.operations.find((op) => op.id === 'runPrompt')!;
		const [stream, json] = run.requests;
		expect(stream!.curl).toMatch(/^curl -N -X POST 'https:\/\/studio\.example\/api\/v1\/prompts\/code-review\/run'/);
		expect(stream!.curl).toContain('-H "Authorization: Bearer $CTS_TOKEN"');
		expect(json!.curl).not.toContain('-N');
		const body = /-d '([\s\S]*)'$/.exec(json!.curl)![1]!;
		expect(JSON.parse(body)).toMatchObject({ stream: false });
		const get = reference.operations.find((op) => op.id === 'getPrompt')!;
		expect(get.requests.map((r) => r.curl.split(' \\')[0])).toEqual([
			"curl 'https://studio.example/api/v1/prompts/code-review'",
			"curl 'https://studio.example/api/v1/prompts/code-review?label=production'",
			"curl 'https://studio.example/api/v1/prompts/code-review?version=4'"
		]);
	});

	it('lists each event of the run stream with its example data, and every error code with its status', () => {
		const run = reference.operations.find((op) => op.id === 'runPrompt')!;
		expect(run.events!.list.map((e) => e.name)).toEqual(['started', 'waiting', 'token', 'done']);
		expect(run.events!.list.every((e) => e.example && e.fields.length > 0)).toBe(true);
		expect(Object.fromEntries(reference.errorCodes.map((e) => [e.code, e.status]))).toEqual(API_ERROR_CODES);
		expect(run.errors.find((e) => e.code === 'rate_limited')).toMatchObject({ status: 429, headers: ['Retry-After'] });
		expect(run.errors.find((e) => e.code === 'model_unavailable')).toMatchObject({ status: 503 });
	});

	it('states the limits it was built with', () => {
		expect(reference.intro.flat().map((p) => p.text).join('')).toContain('60 requests a minute, and start 5 runs a minute');
	});
});

describe('the validator used by the integration tests', () => {
	it('refuses a broken document, so a valid verdict means something', async () => {
		const verdict = async (breakIt: (copy: typeof doc) => void) => {
			const copy = structuredClone(doc);
			breakIt(copy);
			return (await validate(copy as never)).valid;
		};
		expect(await verdict(() => {})).toBe(true);
		expect(await verdict((d) => ((d.paths['/api/v1/prompts/{slug}']!.get!.parameters![0] as { in: string }).in = 'body'))).toBe(false);
		expect(await verdict((d) => (d.paths['/api/v1/prompts']!.get!.operationId = d.paths['/api/v1/prompts/{slug}']!.get!.operationId))).toBe(false);
		expect(await verdict((d) => delete (d.components.schemas as Record<string, unknown>).PromptSummary)).toBe(false);
	});
});
