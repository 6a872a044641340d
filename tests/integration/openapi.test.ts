// The prompt API's OpenAPI document as a client meets it: served publicly at /api/openapi.json, valid
// OpenAPI 3.1, covering exactly the route files under src/routes/api/v1, with examples the endpoints'
// own schemas accept, one error shape whose codes keep their statuses, and limits that follow the zod
// schemas; and the reference page at /api/docs, rendered from that same document.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiRunEventSchemas, apiRunRequestSchema, type ApiRunEventName } from '$lib/api/run-stream';
import { MODEL_IDS } from '$lib/models';
import { cacheModeSchema } from '$lib/realtime/session-events';
import { API_ERROR_CODES } from '$lib/server/api/errors';
import { openApiDocument, RESPONSE_SCHEMAS, type ExampleObject, type JsonSchema, type OpenApiDocument, type OperationObject, type ResponseObject } from '$lib/server/api/openapi';
import { renderRequestSchema, versionQuerySchema } from '$lib/server/api/prompts';
import { apiErrorSchema } from '$lib/server/api/responses';
import { startAppServer, type AppServer } from '../helpers/app-server';

const ROOT = resolve(import.meta.dirname, '../..');
const V1 = join(ROOT, 'src/routes/api/v1');
const REQUESTS_PER_MINUTE = 37;

let app: AppServer;
let served: OpenApiDocument;
let specResponse: Response;
let docsHtml: string;

beforeAll(async () => {
	app = await startAppServer({ API_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE) });
	specResponse = await fetch(`${app.url}/api/openapi.json`);
	served = (await specResponse.clone().json()) as OpenApiDocument;
	const docs = await fetch(`${app.url}/api/docs`);
	expect(docs.status).toBe(200);
	docsHtml = await docs.text();
}, 120_000);
afterAll(() => app?.stop());

type Operation = { method: string; path: string; operation: OperationObject };
const operations = (doc: OpenApiDocument): Operation[] =>
	Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method, path, operation: operation as OperationObject })));

function resolveRef<T>(doc: OpenApiDocument, value: unknown): T {
	const target = value as { $ref?: string };
	if (typeof target?.$ref !== 'string') return value as T;
	return resolveRef(doc, target.$ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc));
}
const componentOf = (schema: JsonSchema) => String(schema.$ref).split('/').pop()!;

/** Each route file under src/routes/api/v1 as `METHOD /api/v1/...`, its source, and the methods it exports. */
async function routeFiles(): Promise<{ key: string; method: string; path: string; source: string }[]> {
	const entries = await readdir(V1, { recursive: true });
	const files = entries.filter((entry) => entry.endsWith('+server.ts') || entry.endsWith('+server.js'));
	const routes = [];
	for (const file of files) {
		const source = await readFile(join(V1, file), 'utf8');
		const dir = relative(V1, join(V1, file, '..')).split(/[\\/]/).filter(Boolean);
		const path = ['/api/v1', ...dir.map((segment) => segment.replace(/^\[(\w+)\]$/, '{$1}'))].join('/');
		for (const [, method] of source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) {
			routes.push({ key: `${method} ${path}`, method: method!.toLowerCase(), path, source });
		}
	}
	return routes;
}

/** The events of a text/event-stream body, as the run endpoint writes them. */
function parseSse(text: string): { event: string; data: unknown }[] {
	return text
		.split('\n\n')
		.filter((block) => block.trim() && !block.startsWith(':'))
		.map((block) => ({ event: /^event: (.+)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.+)$/m.exec(block)![1]!) }));
}

describe('the served document', () => {
	it('is public JSON any origin may read: no token needed', async () => {
		expect(specResponse.status).toBe(200);
		expect(specResponse.headers.get('content-type')).toMatch(/^application\/json/);
		expect(specResponse.headers.get('access-control-allow-origin')).toBe('*');
	});

	it('validates as OpenAPI 3.1 with @readme/openapi-parser', async () => {
		expect(served.openapi).toBe('3.1.0');
		const result = await validate(structuredClone(served) as never);
		expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
		expect(result.specification).toBe('OpenAPI');
	});

	it("states the token's rate limit the server runs with, Retry-After, the error shape and how to authenticate", () => {
		expect(served.info.description).toContain(`${REQUESTS_PER_MINUTE} requests a minute`);
		expect(served.info.description).toContain('Retry-After');
		expect(served.info.description).toContain('{"error": {"code", "message", "details"?}}');
		expect(served.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
		expect(served.servers).toEqual([expect.objectContaining({ url: '/' })]);
	});

	it('is built once per process: the same document every time', () => {
		expect(openApiDocument()).toBe(openApiDocument());
		expect(JSON.parse(openApiDocument().json)).toEqual(openApiDocument().document);
	});
});

describe('routes and operations', () => {
	it('every method of every route file under src/routes/api/v1 is documented, and nothing else is', async () => {
		const routes = await routeFiles();
		expect(routes.length).toBeGreaterThanOrEqual(4);
		const documented = operations(served).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
		expect(documented.sort()).toEqual(routes.map((r) => r.key).sort());
	});

	it('each operation asks for the scope its route file gives apiHandler, and has a unique id, a summary and a description', async () => {
		const routes = await routeFiles();
		for (const { method, path, operation } of operations(served)) {
			const route = routes.find((r) => r.method === method && r.path === path)!;
			const scope = /apiHandler\('(\w+)'/.exec(route.source)?.[1];
			expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [scope] }]);
			expect(operation.summary).toBeTruthy();
			expect(operation.description).toBeTruthy();
		}
		const ids = operations(served).map((o) => o.operation.operationId);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('every operation documents 401 with WWW-Authenticate, 403 (scope, or a creator no longer an owner), 429 with Retry-After and 500, each with the error schema', () => {
		for (const { method, path, operation } of operations(served)) {
			const responses = operation.responses as Record<string, ResponseObject>;
			expect(Object.keys(responses), `${method} ${path}`).toEqual(expect.arrayContaining(['200', '401', '403', '429', '500']));
			expect(Object.keys(responses['403']!.content!['application/json']!.examples!), `${method} ${path}`).toEqual(expect.arrayContaining(['insufficient_scope', 'forbidden']));
			expect(responses['401']!.headers).toHaveProperty('WWW-Authenticate');
			expect(responses['429']!.headers).toHaveProperty('Retry-After');
			for (const [status, response] of Object.entries(responses)) {
				if (status !== '200') expect(response.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Error' });
			}
		}
	});
});

describe('examples', () => {
	/** The schema each endpoint validates its body with, checked against the route file's own source. */
	const BODY_SCHEMAS: Record<string, { schema: z.ZodType; name: string }> = {
		renderPrompt: { schema: renderRequestSchema, name: 'renderRequestSchema' },
		runPrompt: { schema: apiRunRequestSchema, name: 'apiRunRequestSchema' }
	};

	it('every request example parses with the same zod schema its endpoint validates with', async () => {
		const routes = await routeFiles();
		let checked = 0;
		for (const { method, path, operation } of operations(served)) {
			const route = routes.find((r) => r.method === method && r.path === path)!;
			for (const parameter of operation.parameters ?? []) {
				expect(parameter.example, `${operation.operationId} ${parameter.name}`).toBeDefined();
				if (parameter.in !== 'query') continue;
				expect(route.source).toContain('versionQuerySchema.safeParse');
				expect(versionQuerySchema.safeParse({ [parameter.name]: String(parameter.example) }).success).toBe(true);
				checked++;
			}
			if (!operation.requestBody) continue;
			const body = BODY_SCHEMAS[operation.operationId];
			expect(body, `no body schema known for ${operation.operationId}`).toBeDefined();
			expect(route.source).toContain(`${body!.name}.safeParse`);
			const examples = Object.values(operation.requestBody.content['application/json']!.examples ?? {}) as ExampleObject[];
			expect(examples.length).toBeGreaterThan(0);
			for (const example of examples) {
				const parsed = body!.schema.safeParse(example.value);
				expect(parsed.success, `${operation.operationId}: ${example.summary} ${parsed.error?.message ?? ''}`).toBe(true);
				checked++;
			}
		}
		expect(checked).toBeGreaterThanOrEqual(6);
	});

	it('every 200 example fits its response schema; the stream example is a valid run stream ending in one done', () => {
		for (const { operation } of operations(served)) {
			const content = (operation.responses['200'] as ResponseObject).content!;
			const json = content['application/json']!;
			const schema = RESPONSE_SCHEMAS[componentOf(json.schema) as keyof typeof RESPONSE_SCHEMAS];
			for (const example of Object.values(json.examples!) as ExampleObject[]) {
				const parsed = schema.safeParse(example.value);
				expect(parsed.success, `${operation.operationId}: ${parsed.error?.message ?? ''}`).toBe(true);
			}
			const stream = content['text/event-stream'];
			if (!stream) continue;
			const events = parseSse((Object.values(stream.examples!)[0] as ExampleObject).value as string);
			for (const { event, data } of events) expect(apiRunEventSchemas[event as ApiRunEventName].safeParse(data).success, event).toBe(true);
			expect(events[0]!.event).toBe('started');
			expect(events.filter((e) => e.event === 'done')).toHaveLength(1);
			expect(events.at(-1)!.event).toBe('done');
			expect(events.filter((e) => e.event === 'token').map((e) => (e.data as { seq: number }).seq)).toEqual([1, 2]);
		}
	});

	it("every error example's code is in API_ERROR_CODES, under that code's status, in the error shape", () => {
		let checked = 0;
		for (const { operation } of operations(served)) {
			for (const [status, response] of Object.entries(operation.responses)) {
				if (status === '200') continue;
				const examples = Object.values(response.content!['application/json']!.examples!).map((e) => resolveRef<ExampleObject>(served, e));
				expect(examples.length).toBeGreaterThan(0);
				for (const example of examples) {
					const body = apiErrorSchema.parse(example.value);
					expect(Object.keys(API_ERROR_CODES)).toContain(body.error.code);
					expect(API_ERROR_CODES[body.error.code], `${operation.operationId} ${body.error.code}`).toBe(Number(status));
					expect(example['x-http-status']).toBe(Number(status));
					checked++;
				}
			}
		}
		expect(checked).toBeGreaterThan(20);
	});

	it('every error code has one example with its status', () => {
		const codes = Object.values(served.components.examples).map((example) => [apiErrorSchema.parse(example.value).error.code, example['x-http-status']]);
		expect(Object.fromEntries(codes)).toEqual(API_ERROR_CODES);
		expect(codes).toHaveLength(Object.keys(API_ERROR_CODES).length);
	});
});

describe('schemas come from the zod schemas', () => {
	const schemas = () => served.components.schemas as Record<string, { properties: Record<string, JsonSchema>; required?: string[] }>;

	it("the run body's model enum is MODEL_IDS and its cache modes are cacheModeSchema's, with their defaults", () => {
		const run = schemas().RunRequest!.properties;
		expect(run.model!.enum).toEqual([...MODEL_IDS]);
		expect(run.cacheMode!.enum).toEqual(cacheModeSchema.options);
		expect(run.cacheMode!.default).toBe(apiRunRequestSchema.parse({}).cacheMode);
		expect(run.stream!.default).toBe(apiRunRequestSchema.parse({}).stream);
		expect(schemas().RunRequest!.required ?? []).toEqual([]);
	});

	it("the render body's variable limits are the ones renderRequestSchema enforces", () => {
		const variables = schemas().RenderRequest!.properties.variables as { maxProperties: number; propertyNames: { maxLength: number }; additionalProperties: { maxLength: number } };
		const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, 'x']));
		expect(renderRequestSchema.safeParse({ variables: many(variables.maxProperties) }).success).toBe(true);
		expect(renderRequestSchema.safeParse({ variables: many(variables.maxProperties + 1) }).success).toBe(false);
		const name = (n: number) => ({ variables: { ['k'.repeat(n)]: 'x' } });
		expect(renderRequestSchema.safeParse(name(variables.propertyNames.maxLength)).success).toBe(true);
		expect(renderRequestSchema.safeParse(name(variables.propertyNames.maxLength + 1)).success).toBe(false);
		const value = (n: number) => ({ variables: { code: 'x'.repeat(n) } });
		expect(renderRequestSchema.safeParse(value(variables.additionalProperties.maxLength)).success).toBe(true);
		expect(renderRequestSchema.safeParse(value(variables.additionalProperties.maxLength + 1)).success).toBe(false);
	});

	it('the error schema lists exactly the codes of API_ERROR_CODES', () => {
		const error = schemas().Error!.properties.error as { properties: { code: { enum: string[] } } };
		expect(error.properties.code.enum).toEqual(Object.keys(API_ERROR_CODES));
	});

	it("the run stream documents each event of apiRunEventSchemas with the event's fields", () => {
		const run = served.paths['/api/v1/prompts/{slug}/run']!.post!;
		const stream = (run.responses['200'] as ResponseObject).content!['text/event-stream']!;
		expect(stream['x-sse-events']!.map((e) => e.name)).toEqual(Object.keys(apiRunEventSchemas));
		expect((stream.schema.oneOf as unknown[]).length).toBe(Object.keys(apiRunEventSchemas).length);
		for (const event of stream['x-sse-events']!) {
			const schema = resolveRef<{ required: string[] }>(served, event.schema);
			expect(schema.required.sort(), event.name).toEqual(Object.keys(apiRunEventSchemas[event.name as ApiRunEventName].shape).sort());
		}
		// With stream: false the JSON body is the done event's data.
		const done = stream['x-sse-events']!.find((e) => e.name === 'done')!;
		expect((run.responses['200'] as ResponseObject).content!['application/json']!.schema).toEqual(done.schema);
	});
});

describe('the reference page', () => {
	const text = (html: string) => html.replace(/<!--.*?-->/gs, '').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

	it('is public HTML with its own title and a link to the OpenAPI document', () => {
		expect(docsHtml).toContain('<title>Prompt API reference · CodeTuneStudio</title>');
		expect(docsHtml).toContain('href="/api/openapi.json"');
	});

	it("lists every operation of the document with its method, path, summary, scope, examples and errors", () => {
		const page = text(docsHtml);
		for (const { method, path, operation } of operations(served)) {
			expect(docsHtml).toContain(`id="${operation.operationId}"`);
			expect(page).toContain(`${method.toUpperCase()}`);
			expect(page).toContain(path);
			expect(page).toContain(operation.summary);
			expect(page).toContain(`curl ${method === 'get' ? '' : `-X ${method.toUpperCase()} `}`.trim());
			for (const status of Object.keys(operation.responses).filter((s) => s !== '200')) {
				for (const example of Object.values(operation.responses[status]!.content!['application/json']!.examples!)) {
					expect(page).toContain(apiErrorSchema.parse(resolveRef<ExampleObject>(served, example).value).error.code);
				}
			}
		}
		// The render body's fields, the run's curl streaming, and each event of the stream.
		expect(page).toContain('variables');
		expect(page).toContain('curl -N -X POST');
		for (const name of Object.keys(apiRunEventSchemas)) expect(page).toContain(`event: ${name}`);
	});

	it('escapes the descriptions: no raw < from the document reaches the HTML', () => {
		const descriptions: string[] = [];
		const collect = (node: unknown): void => {
			if (Array.isArray(node)) node.forEach(collect);
			else if (node && typeof node === 'object')
				for (const [key, value] of Object.entries(node)) {
					if (key === 'description' && typeof value === 'string' && value.includes('<')) descriptions.push(value);
					else collect(value);
				}
		};
		collect(served);
		expect(descriptions.length).toBeGreaterThan(0);
		for (const description of descriptions) {
			for (const [tag] of description.matchAll(/<[^\s<>]+>?/g)) {
				expect(docsHtml).not.toContain(tag);
				expect(docsHtml).toContain(tag.replace('<', '&lt;'));
			}
		}
	});
});
