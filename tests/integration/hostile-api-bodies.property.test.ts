// Random and mutated requests at every route of the prompt API, against a studio process: bodies of
// any JSON, text that is not JSON, bytes that are not UTF-8, valid bodies with a field of the wrong
// type, missing or extra, a NUL or a lone surrogate in a string, nesting 100,000 deep, sizes around
// the limit; any content type or none; random query strings and slugs; a token, none, or the wrong
// one. Each is answered: a refusal is a 4xx in the API's one error shape and stores nothing, never a
// 5xx (the two refusals SvelteKit words itself are named below); a request that is valid after all
// succeeds, and a body that is not UTF-8 never does. Someone else's request at the same moment
// succeeds too. Fixed seed, bounded runs.
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '$lib/server/api';
import { createApiToken } from '$lib/server/api-tokens';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { httpSurfaces } from '../helpers/authz-inventory';
import { prisma } from '../helpers/db';
import { newSessionTeam, type SessionTeam } from '../helpers/hub-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { HOSTILE_SEED, watchStudio, type StudioWatch } from './hostile-fixtures';

const RUNS = 400;
const TOKENS = ['def', ' add'];
const ANSWER_MS = 30_000;
/** The prompt API's JSON body limit (256 KiB): bodies around it, on both sides. */
const JSON_LIMIT = 256 * 1024;

let app: AppServer;
let tgi: TgiServer;
let team: SessionTeam;
let studio: StudioWatch;
const tokens = { hostile: '', readOnly: '', bystander: '' };

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: TOKENS });
	[app, team] = await Promise.all([
		startAppServer({
			WHITERABBITNEO_ENDPOINT_URL: tgi.url,
			CODET5P_ENDPOINT_URL: tgi.url,
			EMBEDDED_MODEL: 'off',
			API_REQUESTS_PER_MINUTE: '100000',
			RUNS_PER_MINUTE_PER_USER: '10000'
		}),
		newSessionTeam()
	]);
	const token = async (name: string, scopes: ('read' | 'run')[]) => (await createApiToken(team.owner.member, { name, scopes, expiresInDays: 0 })).token;
	tokens.hostile = await token('hostile', ['read', 'run']);
	tokens.readOnly = await token('hostile-read', ['read']);
	tokens.bystander = await token('bystander', ['read']);
	studio = watchStudio(app);
}, 120_000);

afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

const variables = { language: 'Python', task: 'add two numbers' };

/** Every route of the prompt API, with a request it takes; checked against the routes the source declares. */
const ROUTES = {
	'GET /api/v1/prompts': { method: 'GET', path: () => '/api/v1/prompts', body: null },
	'GET /api/v1/prompts/[slug]': { method: 'GET', path: (slug: string) => `/api/v1/prompts/${slug}`, body: null },
	'POST /api/v1/prompts/[slug]/render': { method: 'POST', path: (slug: string) => `/api/v1/prompts/${slug}/render`, body: () => ({ version: 1, variables }) },
	'POST /api/v1/prompts/[slug]/run': {
		method: 'POST',
		path: (slug: string) => `/api/v1/prompts/${slug}/run`,
		body: () => ({ version: 1, variables, model: 'whiterabbitneo', parameters: { temperature: 0, maxTokens: 8, stop: ['\n'] }, cacheMode: 'never', stream: false })
	}
} as const;
type Route = keyof typeof ROUTES;
const ROUTE_NAMES = Object.keys(ROUTES) as Route[];

// ---- what is sent ---------------------------------------------------------------------------------

const nastyString = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\uffff', '{{task}}', '{{#task}}x{{/task}}', '{{>partial}}', '{{{task}}}', '%00', '__proto__', 'production', '')
);
const anyJson = fc.jsonValue({ maxDepth: 3 });

type Replacement = { value: unknown } | { huge: number } | { nest: number };
const replacement: fc.Arbitrary<Replacement> = fc.oneof(
	{ weight: 4, arbitrary: anyJson.map((value) => ({ value })) },
	{ weight: 3, arbitrary: nastyString.map((value) => ({ value })) },
	{ weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((huge) => ({ huge })) },
	{ weight: 1, arbitrary: fc.integer({ min: 10, max: 2_000 }).map((nest) => ({ nest })) }
);
type Mutation = { path: number; op: 'set'; with: Replacement } | { path: number; op: 'delete' } | { path: number; op: 'extra'; key: string; with: Replacement };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{ weight: 5, arbitrary: fc.record({ path: fc.nat(), op: fc.constant('set' as const), with: replacement }) },
	{ weight: 2, arbitrary: fc.record({ path: fc.nat(), op: fc.constant('delete' as const) }) },
	{ weight: 2, arbitrary: fc.record({ path: fc.nat(), op: fc.constant('extra' as const), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'label', 'version')), with: replacement }) }
);

function materialise(how: Replacement): unknown {
	if ('value' in how) return how.value;
	if ('huge' in how) return 'x'.repeat(how.huge);
	let value: unknown = 'bottom';
	for (let i = 0; i < how.nest; i++) value = [value];
	return value;
}

/** An array or a plain object: what a mutation reaches into (not a boxed string, a date, a typed array). */
function isContainer(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object') return false;
	const prototype = Object.getPrototypeOf(value);
	return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/** Every path into a payload, the payload itself ([]) included, four levels deep at most (a mutation may have nested it far deeper). */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
	if (!isContainer(value) || prefix.length >= 4) return [prefix];
	return [prefix, ...Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, [...prefix, key]))];
}

function mutate(valid: unknown, mutations: Mutation[]): unknown {
	let root: unknown = structuredClone(valid);
	for (const change of mutations) {
		const paths = pathsOf(root);
		const path = paths[change.path % paths.length]!;
		if (path.length === 0) {
			if (change.op === 'set') root = materialise(change.with);
			else if (change.op === 'extra' && isContainer(root)) root[change.key] = materialise(change.with);
			continue;
		}
		const parent = path.slice(0, -1).reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, root as Record<string, unknown>);
		const key = path.at(-1)!;
		if (change.op === 'set') parent[key] = materialise(change.with);
		else if (change.op === 'delete') delete parent[key];
		else {
			const target = parent[key];
			if (isContainer(target)) target[change.key] = materialise(change.with);
			else parent[`${key}${change.key}`] = materialise(change.with);
		}
	}
	return root;
}

/** Bytes that are not UTF-8: a lone continuation byte, an overlong form, a surrogate, a cut sequence. */
const badUtf8 = fc.constantFrom(Buffer.of(0xff), Buffer.of(0x80), Buffer.of(0xc3, 0x28), Buffer.of(0xc0, 0xaf), Buffer.of(0xed, 0xa0, 0x80), Buffer.of(0xe2, 0x82), Buffer.of(0xf8, 0x88, 0x80, 0x80, 0x80));

const body = fc.oneof(
	{ weight: 5, arbitrary: fc.array(mutation, { maxLength: 3 }).map((mutations) => ({ kind: 'mutated' as const, mutations })) },
	{ weight: 2, arbitrary: anyJson.map((value) => ({ kind: 'json' as const, value })) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((text) => ({ kind: 'text' as const, text })) },
	{ weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
	/** A valid body with a nasty string where a run stores it: a variable's name or value, a stop sequence. */
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('stored' as const),
			where: fc.constantFrom('variable value' as const, 'variable name' as const, 'stop sequence' as const),
			text: fc.oneof(nastyString, fc.constantFrom('\u0000', 'tab\u0000', '\ud800', 'x\udfffy', '\udc00\ud800'))
		})
	},
	/** A valid body with bytes that are not UTF-8 inside a string value. */
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('not-utf8' as const), bad: badUtf8 }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 1_000, max: 100_000 }), inVariables: fc.boolean() }) },
	/** A valid body padded to around the JSON limit. */
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('sized' as const), size: fc.integer({ min: JSON_LIMIT - 64, max: JSON_LIMIT + 64 }) }) },
	{ weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '"x"', '{"__proto__":{"variables":{}}}', '{"variables":{"language":"Python","language":1}}', '{"version":1e400,"variables":{}}', '\ufeff{"variables":{}}').map((raw) => ({ kind: 'raw' as const, raw })) }
);

const contentType = fc.constantFrom(
	'application/json',
	'application/json',
	'application/json; charset=utf-8',
	'application/vnd.api+json',
	'text/plain',
	'application/x-www-form-urlencoded',
	'multipart/form-data; boundary=x',
	'application/octet-stream',
	'application/json; charset=latin1',
	null
);

const query = fc.oneof(
	fc.constant(''),
	fc.constantFrom('label=production', 'version=1', 'version=2', 'version=0', 'version=-1', 'version=1.5', 'version=1e3', 'version=0x10', 'version=%20%201', 'version=99999999999999999999', 'version=NaN', 'label=', 'label=%00', 'label=%FF', 'label=production&version=1', 'version=1&version=2', 'label[]=x', '%', 'label=__proto__', '__proto__=1'),
	fc.dictionary(fc.oneof(fc.constantFrom('label', 'version'), fc.string({ maxLength: 8 })), fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 3 }).map((params) => new URLSearchParams(params).toString())
);

const slug = fc.oneof(
	{ weight: 6, arbitrary: fc.constant(null) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s) || 'x') },
	// Not '%2e%2e': the client's URL parser makes that '..', another address.
	{ weight: 1, arbitrary: fc.constantFrom('%00', 'a%00b', '%FF', '..%2F..%2Fetc', 'a'.repeat(3000), '__proto__', 'constructor', 'no-such-prompt', 'UPPER', '-x-') }
);

const hostileRequest = fc.record({
	route: fc.constantFrom(...ROUTE_NAMES),
	slug,
	query,
	auth: fc.constantFrom('hostile', 'hostile', 'hostile', 'hostile', 'readOnly', 'none', 'malformed'),
	contentType,
	body
});
type HostileRequest = typeof hostileRequest extends fc.Arbitrary<infer R> ? R : never;

function bodyBytes(r: HostileRequest): Buffer {
	const route = ROUTES[r.route];
	const valid = route.body ? route.body() : { variables };
	const b = r.body;
	switch (b.kind) {
		case 'mutated':
			return Buffer.from(JSON.stringify(mutate(valid, b.mutations)) ?? '');
		case 'json':
			return Buffer.from(JSON.stringify(b.value));
		case 'stored': {
			const start = valid as { variables: Record<string, string>; parameters?: object };
			if (b.where === 'variable value') return Buffer.from(JSON.stringify({ ...start, variables: { ...variables, task: b.text } }));
			if (b.where === 'variable name') return Buffer.from(JSON.stringify({ ...start, variables: { ...variables, [b.text]: 'x' } }));
			return Buffer.from(JSON.stringify({ ...start, parameters: { ...start.parameters, stop: [b.text] } }));
		}
		case 'text':
			return Buffer.from(b.text);
		case 'bytes':
			return Buffer.from(b.bytes);
		case 'not-utf8': {
			const [before, after] = JSON.stringify(valid).split('add two');
			return Buffer.concat([Buffer.from(`${before}add`), b.bad, Buffer.from(` two${after}`)]);
		}
		case 'deep': {
			const nested = `${'['.repeat(b.depth)}${']'.repeat(b.depth)}`;
			return Buffer.from(b.inVariables ? `{"variables":{"task":${nested}}}` : nested);
		}
		case 'sized': {
			const padded = { ...(valid as object), variables: { ...variables, pad: '' } };
			const bare = Buffer.byteLength(JSON.stringify(padded));
			return Buffer.from(JSON.stringify({ ...padded, variables: { ...variables, pad: 'x'.repeat(Math.max(0, b.size - bare)) } }));
		}
		case 'raw':
			return Buffer.from(b.raw);
	}
}

interface Answer {
	status: number;
	contentType: string | null;
	text: string;
}

/**
 * The hostile request, on a connection of its own (as an attacker's would be, apart from everyone
 * else's): when the studio answers before reading a body and the connection then resets, only this
 * request sees it. Null when the connection was reset before an answer came.
 */
function send(r: HostileRequest): Promise<Answer | null> {
	const route = ROUTES[r.route];
	const url = new URL(`${app.url}${route.path(r.slug ?? team.promptSlug)}${r.query ? `?${r.query}` : ''}`);
	const headers: Record<string, string> = {};
	if (r.auth === 'hostile' || r.auth === 'readOnly') headers.authorization = `Bearer ${tokens[r.auth]}`;
	if (r.auth === 'malformed') headers.authorization = 'Bearer cts_ not a token';
	const payload = route.method === 'POST' ? bodyBytes(r) : null;
	if (payload) {
		if (r.contentType) headers['content-type'] = r.contentType;
		headers['content-length'] = String(payload.length);
	}
	return new Promise((resolve, reject) => {
		const outgoing = httpRequest(url, { method: route.method, headers, agent: false, timeout: ANSWER_MS }, (incoming) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => resolve({ status: incoming.statusCode!, contentType: incoming.headers['content-type'] ?? null, text: Buffer.concat(chunks).toString() }));
			incoming.on('error', () => resolve(null));
		});
		outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${ANSWER_MS} ms`)));
		outgoing.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(null) : reject(error)));
		outgoing.end(payload ?? undefined);
	});
}

// ---- what must hold -------------------------------------------------------------------------------

const runsOf = async () => (await prisma()).executionHistory.count({ where: { workspaceId: team.workspaceId } });

/** Someone else, with a token of their own, rendering the prompt at the same moment: it must simply work. */
async function bystanderRenders(): Promise<void> {
	const response = await fetch(`${app.url}/api/v1/prompts/${team.promptSlug}/render`, {
		method: 'POST',
		body: JSON.stringify({ variables }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.bystander}` },
		signal: AbortSignal.timeout(ANSWER_MS)
	});
	expect(response.status).toBe(200);
	expect(await response.json()).toMatchObject({ text: expect.stringContaining('add two numbers') });
}

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/**
 * What SvelteKit answers itself, before the app sees the request, in its own words rather than the
 * API's: a POST with a form's content type and no Origin of ours (403 in plain text, sent before
 * the body is read, so the connection may reset instead), and an address it cannot decode (400).
 */
function svelteKitRefusal(r: HostileRequest, answer: Answer | null): boolean {
	if (ROUTES[r.route].method === 'POST' && FORM_TYPE.test(r.contentType ?? '')) {
		return answer === null || (answer.status === 403 && answer.text === 'Cross-site POST form submissions are forbidden');
	}
	return answer?.status === 400 && !decodes(r.slug ?? '');
}

function decodes(segment: string): boolean {
	try {
		decodeURIComponent(segment);
		return true;
	} catch {
		return false;
	}
}

const tally = { requests: 0, accepted: 0, refusedBySvelteKit: 0, byStatus: {} as Record<number, number>, byRoute: {} as Record<string, number>, byKind: {} as Record<string, number> };

describe('hostile requests at the prompt API (fast-check, fixed seed)', () => {
	it('the property covers every route of the prompt API', () => {
		expect([...ROUTE_NAMES].sort()).toEqual(httpSurfaces().filter((surface) => surface.split(' ')[1]!.startsWith('/api/v1/')));
	});

	it(`random and mutated bodies, queries and slugs are refused with 4xx in the error shape and store nothing, never 5xx; a bystander's request succeeds (seed ${HOSTILE_SEED}, ${RUNS} runs)`, async () => {
		await fc.assert(
			fc.asyncProperty(hostileRequest, async (r) => {
				tally.requests++;
				tally.byRoute[r.route] = (tally.byRoute[r.route] ?? 0) + 1;
				tally.byKind[r.body.kind] = (tally.byKind[r.body.kind] ?? 0) + 1;
				const [runsBefore, modelCallsBefore] = [await runsOf(), tgi.requests.length];
				const [answer] = await Promise.all([send(r), bystanderRenders()]);
				const status = answer?.status ?? 0;
				const said = `answered ${answer ? status : 'nothing (connection reset)'}: ${answer?.text.slice(0, 300)}`;
				tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
				if (svelteKitRefusal(r, answer)) tally.refusedBySvelteKit++;
				else {
					expect(status, said).toBeGreaterThanOrEqual(200);
					expect(status, said).toBeLessThan(500);
				}
				if (status === 0 || status >= 400) {
					if (status >= 400 && !svelteKitRefusal(r, answer)) {
						expect(answer!.contentType ?? 'none', said).toMatch(/^application\/json/);
						const { error } = JSON.parse(answer!.text) as { error: { code: keyof typeof API_ERROR_CODES; message: string } };
						expect(API_ERROR_CODES[error.code], `code ${error.code}`).toBe(status);
						expect(error.message).toBeTypeOf('string');
						expect(error.message.length).toBeGreaterThan(0);
					}
					// Refused: nothing recorded, no model called (so nothing cached either).
					expect(await runsOf()).toBe(runsBefore);
					expect(tgi.requests.length).toBe(modelCallsBefore);
				} else {
					tally.accepted++;
					expect(status, said).toBe(200);
					if (r.body.kind === 'not-utf8' && ROUTES[r.route].method === 'POST') expect.fail(`a body that is not UTF-8 was taken (${r.contentType ?? 'no content type'}): ${said}`);
					if (r.route.endsWith('/run')) expect(await runsOf()).toBe(runsBefore + 1);
					else expect(await runsOf()).toBe(runsBefore);
				}
				await studio.assertHealthy();
			}),
			{ seed: HOSTILE_SEED, numRuns: RUNS, endOnFailure: true }
		);
		console.log(`hostile api bodies: ${JSON.stringify(tally)}`);
		for (const route of ROUTE_NAMES) expect(tally.byRoute[route], `${route} was never called`).toBeGreaterThan(0);
	}, 240_000);

	it('afterwards a valid run through the API succeeds, and the studio holds no more memory than the bound', async () => {
		await bystanderRenders();
		const response = await fetch(`${app.url}/api/v1/prompts/${team.promptSlug}/run`, {
			method: 'POST',
			body: JSON.stringify(ROUTES['POST /api/v1/prompts/[slug]/run'].body()),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.hostile}` }
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ status: 'succeeded', text: TOKENS.join('') });
		await studio.assertHealthy();
		studio.assertMemory('hostile api bodies');
	}, 60_000);
});
