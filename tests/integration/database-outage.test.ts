// PostgreSQL out of reach for a few seconds: the studio process (whose DATABASE_URL goes through a
// TCP proxy the test cuts) answers pages and the API with a clear 503 instead of hanging or a
// generic 500, its health check says the database is unreachable, a draft open in Yjs keeps taking
// edits in memory and stores them once the database is back, and then everything works again,
// sign-in included, without restarting the studio.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { isFinalClose, YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { createApiToken } from '$lib/server/api-tokens';
import { applyStoredDraft, prismaDraftStore } from '$lib/server/drafts/store';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, testDatabaseUrl } from '../helpers/db';
import { FormClient, visibleText } from '../helpers/form-client';
import { startTcpProxy, throughProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { TEST_PASSWORD } from '../helpers/unique';
import { connectClient, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam, type PromptTeam } from '../helpers/yjs-team';

const UNREACHABLE = /The database is unreachable/;
/** Long enough for any answer (a dev server compiling a page on a busy machine); what this bounds is an answer that never comes. */
const ANSWER_WITHIN_MS = 60_000;

let proxy: TcpProxy;
let app: AppServer;
let team: PromptTeam;
let readToken: string;
const clients: TestClient[] = [];

beforeAll(async () => {
	if (!hasPostgres()) return;
	const url = new URL(testDatabaseUrl()!);
	proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
	[app, team] = await Promise.all([startAppServer({ DATABASE_URL: throughProxy(url.toString(), proxy) }), newPromptTeam()]);
	readToken = (await createApiToken(team.owner.member, { name: 'reader', scopes: ['read'], expiresInDays: 0 })).token;
}, 120_000);

afterAll(async () => {
	for (const client of clients) client.destroy();
	proxy?.restore();
	await app?.stop();
	await proxy?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
	fetch(app.url + path, { headers: { accept: 'text/html', ...headers }, redirect: 'manual', signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
const api = (path: string) => get(path, { accept: 'application/json', authorization: `Bearer ${readToken}` });

/** The draft's template as PostgreSQL holds it (snapshot and update log), read past the proxy. */
async function storedTemplate(): Promise<string> {
	const stored = await prismaDraftStore.load(team.promptId);
	const doc = new Y.Doc();
	if (stored) applyStoredDraft(doc, stored, null);
	return doc.getText('template').toString();
}

describe('PostgreSQL out of reach for a while', () => {
	it.runIf(hasPostgres())('pages and the API answer 503 saying so, Yjs edits wait in memory, and everything recovers without a restart', async () => {
		const page = `/w/${team.workspaceSlug}/prompts/${team.promptSlug}`;
		// Each answers once before the outage (the dev server compiles a route on its first request).
		expect((await get(page, { cookie: team.owner.cookie })).status).toBe(200);
		expect((await get('/library')).status).toBe(200);
		expect((await api('/api/v1/prompts')).status).toBe(200);
		expect((await get('/api/health', { accept: 'application/json' })).status).toBe(200);
		const alice = connectClient(app.yjsUrl, team.promptId, team.owner.cookie);
		clients.push(alice);
		await alice.synced();
		alice.type('<before>');
		await vi.waitFor(async () => expect(await storedTemplate()).toContain('<before>'), { timeout: 10_000, interval: 50 });

		let carol: TestClient | undefined;
		proxy.cut();
		try {
			const health = await get('/api/health', { accept: 'application/json' });
			expect(health.status).toBe(503);
			expect(await health.json()).toMatchObject({ ok: false, database: 'unreachable' });

			const signedIn = await get(page, { cookie: team.owner.cookie });
			expect(signedIn.status).toBe(503);
			expect(visibleText(await signedIn.text())).toMatch(UNREACHABLE);

			const library = await get('/library');
			expect(library.status).toBe(503);
			const libraryText = visibleText(await library.text());
			expect(libraryText).toMatch(UNREACHABLE);
			// The error page says the status the response has, not the 500 SvelteKit rendered it as.
			expect(libraryText).toContain('Error 503');

			const signingIn = await new FormClient(app.url).post('/signin', { username: team.editor.user.username, password: TEST_PASSWORD });
			expect(signingIn.status).toBe(503);
			expect(visibleText(signingIn.html)).toMatch(UNREACHABLE);

			const listed = await api('/api/v1/prompts');
			expect(listed.status).toBe(503);
			expect(await listed.json()).toEqual({ error: { code: 'database_unreachable', message: expect.stringMatching(UNREACHABLE) } });

			// The open draft keeps taking edits while nothing can be stored.
			alice.type('<during>');
			await new Promise((resolve) => setTimeout(resolve, 500));
			expect(alice.text()).toContain('<during>');
			expect(await storedTemplate()).not.toContain('<during>');
			expect(alice.closes).toEqual([]);
			// A socket opened meanwhile is told to try again later (not that its session ended, which is final).
			carol = connectClient(app.yjsUrl, team.promptId, team.viewer.cookie);
			clients.push(carol);
			expect((await carol.closed(ANSWER_WITHIN_MS)).code).toBe(YJS_CLOSE.serverError);
			expect(isFinalClose(YJS_CLOSE.serverError)).toBe(false);
		} finally {
			proxy.restore();
		}

		// Back: the edit made during the outage is stored, and a fresh editor loads it.
		await vi.waitFor(async () => expect(await storedTemplate()).toContain('<during>'), { timeout: 20_000, interval: 100 });
		const bob = connectClient(app.yjsUrl, team.promptId, team.editor.cookie);
		clients.push(bob);
		await bob.synced();
		expect(bob.text()).toContain('<before><during>');
		// Carol's provider kept trying and gets in by itself.
		await carol!.synced(ANSWER_WITHIN_MS);
		expect(carol!.text()).toContain('<before><during>');

		const health = await get('/api/health', { accept: 'application/json' });
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ ok: true, database: 'postgresql' });
		expect((await get(page, { cookie: team.owner.cookie })).status).toBe(200);
		expect((await api('/api/v1/prompts')).status).toBe(200);
		const browser = new FormClient(app.url);
		const signedIn = await browser.post('/signin', { username: team.editor.user.username, password: TEST_PASSWORD });
		expect(signedIn.status).toBe(303);
		expect((await browser.get(page)).status).toBe(200);
	}, 240_000);
});
