// SIGTERM, as a deployment stops an instance: runs still going are recorded failed ("The studio was
// stopped during this run."), draft updates not yet stored are stored, and every live socket is
// closed so that its client goes elsewhere (y-websocket: close code 1001; socket.io: the server's
// own disconnect). The process then exits 0. The studio runs as a process of its own, with a model
// endpoint that drips tokens for as long as anyone listens.
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { createApiToken } from '$lib/server/api-tokens';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma, testDatabaseUrl } from '../helpers/db';
import { connected, newSessionTeam, okData, request, runRequest, SessionWatcher, type HubClientSocket } from '../helpers/hub-client';
import { storedTemplate } from '../helpers/instances';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';

let apps: AppServer[] = [];
let tgi: TgiServer | undefined;
let clients: TestClient[] = [];
let sockets: HubClientSocket[] = [];
let lockHolder: pg.Client | undefined;

afterEach(async () => {
	for (const client of clients) client.destroy();
	clients = [];
	for (const socket of sockets) socket.disconnect();
	sockets = [];
	await lockHolder?.end().catch(() => undefined);
	lockHolder = undefined;
	for (const app of apps.splice(0)) await app.stop();
	await tgi?.close();
	tgi = undefined;
});

/** A socket.io client of the studio (no reconnection) and the reason socket.io gives when it is disconnected. */
function watchedHubClient(url: string, cookie: string): { socket: HubClientSocket; disconnected: Promise<string> } {
	const socket: HubClientSocket = io(url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
	sockets.push(socket);
	return { socket, disconnected: new Promise((resolve) => socket.once('disconnect', resolve)) };
}

/** An API run streamed as server-sent events, read as it arrives. */
function streamApiRun(url: string, slug: string, token: string, body: unknown) {
	let raw = '';
	const ended = fetch(`${url}/api/v1/prompts/${slug}/run`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		body: JSON.stringify(body)
	}).then(async (response) => {
		expect(response.status).toBe(200);
		const decoder = new TextDecoder();
		for await (const chunk of response.body!) raw += decoder.decode(chunk, { stream: true });
	});
	const events = () =>
		raw
			.split('\n\n')
			.filter((block) => block.startsWith('event: '))
			.map((block) => ({ event: /^event: (.+)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as Record<string, unknown> }));
	return { ended, events };
}

/** The studio's log lines at error level or worse (pino: 50 error, 60 fatal), and Node's own complaints. */
function errorsIn(log: string): string[] {
	return log.split('\n').filter((line) => /"level":(50|60)|Unhandled|ERR_|uncaught/i.test(line));
}

const endpoints = (tgiUrl: string) => ({ WHITERABBITNEO_ENDPOINT_URL: tgiUrl, CODET5P_ENDPOINT_URL: tgiUrl, EMBEDDED_MODEL: 'off', RUNS_PER_MINUTE_PER_USER: '1000' });

describe('SIGTERM while runs stream and an edit is not yet stored', () => {
	it.runIf(hasPostgres())('records the runs failed, stores the edit, closes the sockets as going away and exits 0', async () => {
		tgi = await startTgiServer({ tokens: ['tick '], delayMs: 40, endless: true });
		const team = await newSessionTeam();
		const app = await startAppServer(endpoints(tgi.url));
		apps.push(app);

		// A session run, watched by a viewer.
		const starter = watchedHubClient(app.url, team.editor.cookie);
		const viewer = watchedHubClient(app.url, team.viewer.cookie);
		await Promise.all([connected(starter.socket), connected(viewer.socket)]);
		const seen = new SessionWatcher(viewer.socket);
		for (const { socket } of [starter, viewer]) okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
		const { runs } = okData(await request(starter.socket, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const sessionRunId = runs[0]!.executionId;

		// A run of the prompt API, streamed to its caller.
		const { token } = await createApiToken(team.owner.member, { name: 'shutdown', scopes: ['run'], expiresInDays: 0 });
		const apiRun = streamApiRun(app.url, team.promptSlug, token, { variables: { language: 'Go', task: 'sigterm' }, cacheMode: 'never' });
		await eventually(() => apiRun.events().filter((e) => e.event === 'token').length, (n) => n >= 3, 15_000);
		const apiRunId = apiRun.events()[0]!.data.executionId as string;
		await eventually(() => seen.seqsOf(sessionRunId).length, (n) => n >= 3, 15_000);

		// Two editors on the draft.
		const alice = connectClient(app.yjsUrl, team.promptId, team.owner.cookie);
		const bob = connectClient(app.yjsUrl, team.promptId, team.editor.cookie);
		clients.push(alice, bob);
		await Promise.all([alice.synced(), bob.synced()]);
		alice.type('<stored>');
		await eventually(() => bob.text(), (text) => text.includes('<stored>'));

		// The next edits reach the studio while its insert into the draft log has to wait (another
		// transaction holds the table): the first is in that insert, the second waits in memory behind
		// it, when SIGTERM comes.
		lockHolder = new pg.Client({ connectionString: testDatabaseUrl() });
		await lockHolder.connect();
		await lockHolder.query('BEGIN');
		await lockHolder.query('LOCK TABLE prompt_draft_updates IN SHARE MODE');
		alice.type('<in-flight>');
		const waitingInserts = async () =>
			Number((await lockHolder!.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE relation = 'prompt_draft_updates'::regclass AND NOT granted`)).rows[0]!.n);
		await expect.poll(waitingInserts, { timeout: 10_000 }).toBeGreaterThan(0);
		alice.type('<queued>');
		// Presence is passed on at once (never stored): once Bob sees Alice's mark, sent after her
		// edit on the same socket, the studio has applied the edit.
		alice.provider.awareness.setLocalStateField('mark', 'after-queued');
		await eventually(() => bob.provider.awareness.getStates().get(alice.doc.clientID)?.mark, (mark) => mark === 'after-queued');
		expect(bob.text()).not.toContain('<in-flight>'); // sent on only once stored
		const stored = await storedTemplate(team.promptId);
		expect(stored).toContain('<stored>');
		expect(stored).not.toContain('<in-flight>');

		const exit = app.exited();
		const logFrom = app.output().length;
		// SIGTERM; the process cannot end before the lock goes, so this is not awaited yet.
		const stopping = app.stop();

		// The sockets go at once, before the shutdown waits for the store.
		expect((await Promise.all([alice.closed(), bob.closed()])).map((close) => close.code)).toEqual([YJS_CLOSE.goingAway, YJS_CLOSE.goingAway]);
		// socket.io's equivalent: the server's own disconnect (the page then connects again, to
		// whichever instance the balancer picks), not a transport that merely dropped.
		expect(await Promise.all([starter.disconnected, viewer.disconnected])).toEqual(['io server disconnect', 'io server disconnect']);

		// The store may go on: the shutdown waits for it, records the runs, and exits cleanly.
		await lockHolder.query('COMMIT');
		await stopping;
		expect(await exit).toEqual({ code: 0, signal: null });
		expect(await storedTemplate(team.promptId)).toMatch(/<stored><in-flight><queued>$/);

		const db = await prisma();
		for (const id of [sessionRunId, apiRunId]) {
			const row = await db.executionHistory.findUniqueOrThrow({ where: { id } });
			expect({ id, status: row.status, error: row.errorMessage }).toEqual({ id, status: 'failed', error: 'The studio was stopped during this run.' });
			expect(row.outputData).toMatch(/^(tick )+$/);
		}
		// The API caller is told, in its stream's last event, rather than left with a cut stream.
		await apiRun.ended;
		expect(apiRun.events().at(-1)).toMatchObject({ event: 'done', data: { executionId: apiRunId, status: 'failed', error: 'The studio was stopped during this run.' } });
		// Both model requests were given up, not left hanging.
		expect(tgi.requests).toHaveLength(2);
		for (const recorded of tgi.requests) {
			await recorded.finished;
			expect(recorded.clientClosed).toBe(true);
		}
		expect(errorsIn(app.output().slice(logFrom))).toEqual([]);
	}, 90_000);
});

describe('SIGTERM of one instance among several', () => {
	it.runIf(hasPostgres() && !!process.env.REDIS_URL)('closes its own sockets only: the other instance\'s session goes on', async () => {
		tgi = await startTgiServer({ tokens: Array.from({ length: 10 }, (_, i) => `t${i} `), delayMs: 20 });
		const team = await newSessionTeam();
		// Both on the run's Redis (REDIS_URL of the integration environment).
		const [stopped, staying] = await Promise.all([startAppServer(endpoints(tgi.url)), startAppServer(endpoints(tgi.url))]);
		apps.push(stopped, staying);

		const leaving = watchedHubClient(stopped.url, team.viewer.cookie);
		const starter = watchedHubClient(staying.url, team.editor.cookie);
		const viewer = watchedHubClient(staying.url, team.viewer.cookie);
		await Promise.all([leaving, starter, viewer].map(({ socket }) => connected(socket)));
		for (const { socket } of [leaving, starter, viewer]) okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
		const seen = new SessionWatcher(viewer.socket);

		await stopped.stop();
		expect(await stopped.exited()).toEqual({ code: 0, signal: null });
		expect(await leaving.disconnected).toBe('io server disconnect');

		// After the stop: a run on the other instance reaches its viewer from start to end.
		const { runs } = okData(await request(starter.socket, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const final = await seen.finishedRun(runs[0]!.executionId);
		expect(final).toMatchObject({ status: 'succeeded', text: Array.from({ length: 10 }, (_, i) => `t${i} `).join('') });
		expect([starter.socket.connected, viewer.socket.connected]).toEqual([true, true]);
	}, 90_000);
});
