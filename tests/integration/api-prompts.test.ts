// The prompt API over HTTP against a running studio: bearer tokens good and bad, scopes, the one
// error shape, fetch by label or version, render with variables (missing ones named), private
// prompts kept out, and the per-token rate limit with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '$lib/server/api-tokens';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createPrompt } from '$lib/server/prompts';
import { commitDraft, moveLabel } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { uniquePromptName } from '../helpers/unique';
import { sample, setDraft, versionTeam } from './versions-fixtures';

let app: AppServer;
let team: Awaited<ReturnType<typeof versionTeam>>;
let readToken: string;
let runOnlyToken: string;
let privateSlug: string;

/** Requests a token may make in one window of the limiter (60 s from its first request). */
const REQUESTS_PER_MINUTE = 40;
const WINDOW_MS = 60_000;

beforeAll(async () => {
	[app, team] = await Promise.all([startAppServer({ API_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE) }), versionTeam('api')]);
	await setDraft(team.promptId, sample());
	await commitDraft(team.author, team.prompt, 'First review prompt');
	await setDraft(team.promptId, sample({ userPromptTemplate: 'Review this {{language}} code for {{focus}}:\n{{code}}' }));
	await commitDraft(team.author, team.prompt, 'Ask for a focus');
	await moveLabel(team.owner, team.prompt, 'production', 1);
	await moveLabel(team.owner, team.prompt, 'staging', 2);
	const hidden = await createPrompt(team.author, promptMetaSchema.parse({ name: uniquePromptName('Secret'), visibility: 'private' }));
	privateSlug = hidden.slug;
	readToken = (await createApiToken(team.owner, { name: 'reader', scopes: ['read'], expiresInDays: 0 })).token;
	runOnlyToken = (await createApiToken(team.owner, { name: 'runner', scopes: ['run'], expiresInDays: 0 })).token;
}, 120_000);
afterAll(() => app?.stop());

async function call(path: string, token: string | null, init: RequestInit = {}) {
	const response = await fetch(app.url + path, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });
	return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}
const render = (slug: string, body: unknown, token = readToken) =>
	call(`/api/v1/prompts/${slug}/render`, token, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('authentication and scopes', () => {
	it('no token, a malformed header, an unknown or a revoked token: 401 unauthorized with a Bearer challenge', async () => {
		const { token: doomed, row } = await createApiToken(team.owner, { name: 'doomed', scopes: ['read'], expiresInDays: 0 });
		expect((await call('/api/v1/prompts', doomed)).status).toBe(200);
		await revokeApiToken(team.owner, row.id);
		for (const token of [null, 'cts_notarealtokenatallxxxxxxxxxxxxxx', doomed]) {
			const answer = await call('/api/v1/prompts', token);
			expect(answer.status).toBe(401);
			expect(answer.body.error.code).toBe('unauthorized');
			expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
		}
		const basic = await call('/api/v1/prompts', null, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
		expect(basic.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') });
	});

	it('a token without the read scope gets 403 insufficient_scope naming what it lacks', async () => {
		const answer = await call('/api/v1/prompts', runOnlyToken);
		expect(answer.status).toBe(403);
		expect(answer.body.error).toEqual({ code: 'insufficient_scope', message: 'This token lacks the "read" scope.', details: { needed: 'read', granted: ['run'] } });
	});

	it("another workspace's token sees only its own workspace's prompts", async () => {
		const other = await versionTeam('apiother');
		const { token } = await createApiToken(other.owner, { name: 'theirs', scopes: ['read'], expiresInDays: 0 });
		// Only its own workspace's prompt (no version yet), none of this one's.
		expect((await call('/api/v1/prompts', token)).body.prompts).toEqual([expect.objectContaining({ slug: other.prompt, latestVersion: null, labels: {} })]);
		expect((await call(`/api/v1/prompts/${team.prompt}`, token)).body.error.code).toBe('not_found');
		expect((await call(`/api/v1/prompts/${other.prompt}`, token)).body.error).toEqual({ code: 'not_found', message: `"${other.prompt}" has no committed version yet.` });
	});
});

describe('reading prompts', () => {
	it('lists the shared prompts with their latest version and labels; a private prompt stays out', async () => {
		const { status, body } = await call('/api/v1/prompts', readToken);
		expect(status).toBe(200);
		expect(body.prompts).toEqual([expect.objectContaining({ slug: team.prompt, latestVersion: 2, labels: { production: 1, staging: 2 }, visibility: 'workspace' })]);
		expect(body.prompts.map((p: { slug: string }) => p.slug)).not.toContain(privateSlug);
		expect((await call(`/api/v1/prompts/${privateSlug}`, readToken)).status).toBe(404);
	});

	it('fetches by label, by version, and by default the production version', async () => {
		const production = await call(`/api/v1/prompts/${team.prompt}?label=production`, readToken);
		expect(production.status).toBe(200);
		expect(production.body).toMatchObject({ version: { number: 1, message: 'First review prompt', labels: ['production'] }, resolvedBy: { label: 'production' }, variables: ['language', 'code'] });
		expect(production.body.content.userPromptTemplate).toBe('Review this {{language}} code:\n{{code}}');
		expect(production.body.version.contentHash).toMatch(/^[0-9a-f]{64}$/);
		const second = await call(`/api/v1/prompts/${team.prompt}?version=2`, readToken);
		expect(second.body).toMatchObject({ version: { number: 2 }, resolvedBy: { version: 2 }, variables: ['language', 'focus', 'code'] });
		const byDefault = await call(`/api/v1/prompts/${team.prompt}`, readToken);
		expect(byDefault.body).toMatchObject({ version: { number: 1 }, resolvedBy: { default: 'production' } });
	});

	it('an unknown label is 404 unknown_label listing the labels there are; a missing version or prompt is not_found; bad queries are invalid_request', async () => {
		const label = await call(`/api/v1/prompts/${team.prompt}?label=canary`, readToken);
		expect(label.status).toBe(404);
		expect(label.body.error).toEqual({ code: 'unknown_label', message: `"${team.prompt}" has no label "canary".`, details: { labels: ['production', 'staging'] } });
		expect((await call(`/api/v1/prompts/${team.prompt}?version=9`, readToken)).body.error.code).toBe('not_found');
		expect((await call('/api/v1/prompts/no-such-prompt', readToken)).body.error.code).toBe('not_found');
		for (const query of ['version=0', 'version=abc', 'version=1.5', 'label=Bad%20Label!', 'label=production&version=2']) {
			const answer = await call(`/api/v1/prompts/${team.prompt}?${query}`, readToken);
			expect(answer.status, query).toBe(400);
			expect(answer.body.error.code, query).toBe('invalid_request');
		}
	});
});

describe('rendering', () => {
	it('renders a version with its variables, as chat turns and as one text', async () => {
		const answer = await render(team.prompt, { label: 'production', variables: { language: 'Python', code: 'eval(x)' } });
		expect(answer.status).toBe(200);
		expect(answer.body.text).toBe('Review this Python code:\neval(x)');
		expect(answer.body.chat).toEqual([
			{ role: 'system', content: 'You are a careful security reviewer.' },
			{ role: 'user', content: 'eval(input())' },
			{ role: 'assistant', content: 'Never eval user input.' },
			{ role: 'user', content: 'Review this Python code:\neval(x)' }
		]);
		expect(answer.body.plain).toBe('You are a careful security reviewer.\n\neval(input())\nNever eval user input.\n\nReview this Python code:\neval(x)');
		expect(answer.body.version.number).toBe(1);
	});

	it('missing variables are 400 missing_variables naming each; a bad body is invalid_request', async () => {
		const missing = await render(team.prompt, { version: 2, variables: { language: 'Go' } });
		expect(missing.status).toBe(400);
		expect(missing.body.error).toEqual({ code: 'missing_variables', message: 'Missing variables: focus, code.', details: { missing: ['focus', 'code'] } });
		const notJson = await call(`/api/v1/prompts/${team.prompt}/render`, readToken, { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } });
		expect(notJson.body.error).toEqual({ code: 'invalid_request', message: 'The body is not valid JSON.' });
		for (const body of [{ variables: { code: 1 } }, { variables: {}, extra: true }, { label: 'production', version: 1, variables: {} }, { variables: { code: 'x'.repeat(100_001) } }, []]) {
			const answer = await render(team.prompt, body);
			expect(answer.status, JSON.stringify(body).slice(0, 60)).toBe(400);
			expect(answer.body.error.code).toBe('invalid_request');
		}
		const huge = await call(`/api/v1/prompts/${team.prompt}/render`, readToken, { method: 'POST', body: JSON.stringify({ variables: { code: 'x'.repeat(300_000) } }), headers: { 'content-type': 'application/json' } });
		expect(huge.body.error).toEqual({ code: 'invalid_request', message: 'The body is over 256 KiB.' });
	});

	it('a variable value is text, never template: braces in it stay as they are', async () => {
		const answer = await render(team.prompt, { label: 'production', variables: { language: '{{code}}', code: '<script>alert(1)</script>' } });
		expect(answer.body.text).toBe('Review this {{code}} code:\n<script>alert(1)</script>');
	});
});

describe('rate limits', () => {
	// The limiter counts a token's requests in fixed windows of 60 s, each opened by the first request
	// after the last one closed. A round of one request over the limit, from a new token, shows the
	// refusal only if the whole round fell in the window it opened: that is measured, not assumed (a
	// round as long as a window, on a very slow machine, proves nothing and is played again with
	// another new token), and the refusal's Retry-After must be what is left of that window.
	it('a token over its requests per minute gets 429 rate_limited with Retry-After; another token is not affected', async () => {
		type Answer = Awaited<ReturnType<typeof call>>;
		let round: { answers: Answer[]; tookMs: number } | undefined;
		for (let attempt = 1; attempt <= 3 && !round; attempt++) {
			const { token } = await createApiToken(team.owner, { name: `busy ${attempt}`, scopes: ['read'], expiresInDays: 0 });
			const began = performance.now();
			const answers: Answer[] = [];
			for (let i = 0; i <= REQUESTS_PER_MINUTE; i++) answers.push(await call('/api/v1/prompts', token));
			const tookMs = performance.now() - began;
			if (tookMs < WINDOW_MS) round = { answers, tookMs };
		}
		expect(round, 'no round of requests fitted in one window of the limiter').toBeDefined();
		const { answers, tookMs } = round!;
		expect(answers.slice(0, REQUESTS_PER_MINUTE).map((answer) => answer.status)).toEqual(Array(REQUESTS_PER_MINUTE).fill(200));
		const limited = answers[REQUESTS_PER_MINUTE]!;
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe('rate_limited');
		// The window opened at the round's first request and is not over: at least its remainder
		// (whole seconds, rounded up), at most a whole window.
		const retryAfter = Number(limited.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, Math.floor((WINDOW_MS - tookMs) / 1000)));
		expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
		// A token of its own, so that what other tests here asked with theirs does not count.
		const { token: bystander } = await createApiToken(team.owner, { name: 'bystander', scopes: ['read'], expiresInDays: 0 });
		expect((await call('/api/v1/prompts', bystander)).status).toBe(200);
	}, 3 * WINDOW_MS + 30_000);
});
