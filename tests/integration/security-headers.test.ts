// Every kind of response a running studio gives carries the security headers: a page, a form
// action's answer, a redirect, API JSON, the run stream (SSE), the OpenAPI document, an error page,
// a 404. A page's Content-Security-Policy allows scripts from our origin and SvelteKit's nonce only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/api-tokens';
import { commitDraft, moveLabel } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { FormClient, signUpOverHttp } from '../helpers/form-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { sample, setDraft, versionTeam } from './versions-fixtures';

let app: AppServer;
let tgi: TgiServer;
let team: Awaited<ReturnType<typeof versionTeam>>;
let runToken: string;

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['Never', ' eval', '.'] });
	[app, team] = await Promise.all([startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off' }), versionTeam('headers')]);
	await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 16 } }));
	await commitDraft(team.author, team.prompt, 'First');
	await moveLabel(team.owner, team.prompt, 'production', 1);
	runToken = (await createApiToken(team.owner, { name: 'headers', scopes: ['read', 'run'], expiresInDays: 0 })).token;
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | null): Map<string, string[]> {
	expect(csp, 'a Content-Security-Policy header').toBeTruthy();
	return new Map(
		csp!
			.split(';')
			.map((part) => part.trim().split(/\s+/))
			.filter((words) => words[0])
			.map(([name, ...sources]) => [name!, sources])
	);
}

function expectSecurityHeaders(headers: Headers) {
	expect(headers.get('x-content-type-options')).toBe('nosniff');
	expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
	expect(headers.get('x-frame-options')).toBe('DENY');
	expect(headers.get('permissions-policy')).toMatch(/camera=\(\)/);
	expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
	// The studio under test is plain http: HSTS would be meaningless and is not sent.
	expect(headers.get('strict-transport-security')).toBeNull();
	const policy = directives(headers.get('content-security-policy'));
	expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
	expect(headers.get('content-security-policy')).not.toContain('unsafe-eval');
	return policy;
}

/** A page's policy: scripts from our origin and this response's nonce, nothing inline or evaluated. */
function expectPagePolicy(headers: Headers, html: string) {
	const policy = expectSecurityHeaders(headers);
	const scripts = policy.get('script-src')!;
	expect(scripts).toContain("'self'");
	expect(scripts).not.toContain("'unsafe-inline'");
	expect(scripts).not.toContain('*');
	const nonce = scripts.find((source) => source.startsWith("'nonce-"))?.slice("'nonce-".length, -1);
	expect(nonce).toBeTruthy();
	// SvelteKit's inline bootstrap script carries that nonce; no inline script goes without one.
	const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
	expect(inline.length).toBeGreaterThan(0);
	for (const attributes of inline) expect(attributes).toContain(`nonce="${nonce}"`);
	expect(policy.get('object-src')).toEqual(["'none'"]);
	expect(policy.get('connect-src')).toEqual(["'self'", `ws://${new URL(app.url).host}`]);
	return nonce!;
}

describe('security headers', () => {
	it('a page: the headers, and a fresh nonce for its bootstrap script on each request', async () => {
		const first = await new FormClient(app.url).get('/signin');
		expect(first.status).toBe(200);
		const second = await new FormClient(app.url).get('/signin');
		expect(expectPagePolicy(first.headers, first.html)).not.toBe(expectPagePolicy(second.headers, second.html));
	});

	it("a form action's answer and its redirect", async () => {
		const refused = await new FormClient(app.url).post('/signin', { username: 'nobody-here', password: 'wrong password 1' });
		expect(refused.status).toBe(400);
		expectPagePolicy(refused.headers, refused.html);
		const person = await signUpOverHttp(app.url, 'hdr');
		const created = await person.client.post('/workspaces?/create', { name: `Headers ${Date.now()}` });
		expect(created.status).toBe(303);
		expectSecurityHeaders(created.headers);
	});

	it('API JSON, refused and answered, and the OpenAPI document: a policy allowing nothing', async () => {
		const refused = await fetch(`${app.url}/api/v1/prompts`);
		expect(refused.status).toBe(401);
		const answered = await fetch(`${app.url}/api/v1/prompts`, { headers: { authorization: `Bearer ${runToken}` } });
		expect(answered.status).toBe(200);
		const openapi = await fetch(`${app.url}/api/openapi.json`);
		expect(openapi.status).toBe(200);
		for (const response of [refused, answered, openapi, await fetch(`${app.url}/api/health`)]) {
			expect(response.headers.get('content-type')).toMatch(/json/);
			expect(directives(expectSecurityHeaders(response.headers) && response.headers.get('content-security-policy')).get('default-src')).toEqual(["'none'"]);
		}
	});

	it('the run stream (server-sent events)', async () => {
		const response = await fetch(`${app.url}/api/v1/prompts/${team.prompt}/run`, {
			method: 'POST',
			body: JSON.stringify({ variables: { language: 'python', code: 'eval(input())' } }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${runToken}` }
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
		expectSecurityHeaders(response.headers);
		expect(await response.text()).toContain('event: done');
	});

	it('an error page and a 404, each a page with the page policy', async () => {
		const person = await signUpOverHttp(app.url, 'hdr');
		// Someone else's workspace: refused with SvelteKit's error page.
		const hidden = await person.client.get(`/w/${team.ws}`);
		expect(hidden.status).toBeGreaterThanOrEqual(400);
		expectPagePolicy(hidden.headers, hidden.html);
		const missing = await new FormClient(app.url).get('/no-such-page-here');
		expect(missing.status).toBe(404);
		expectPagePolicy(missing.headers, missing.html);
		const missingApi = await fetch(`${app.url}/api/v1/prompts/no-such-prompt`, { headers: { authorization: `Bearer ${runToken}` } });
		expect(missingApi.status).toBe(404);
		expectSecurityHeaders(missingApi.headers);
	});

	it('the theme script mode-watcher would have inlined is served as a script file', async () => {
		const response = await fetch(`${app.url}/theme-mode.js`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
		expect(await response.text()).toContain('mode-watcher-mode');
		const page = await new FormClient(app.url).get('/signin');
		expect(page.html).toContain('<script src="/theme-mode.js"></script>');
	});
});
