// The authorisation matrix, live part: every socket.io event a client may send to the generation hub
// and the Yjs draft document, asked by the anonymous, an outsider, a viewer, an editor, an owner and
// a site admin, with real socket.io and y-websocket clients against a running studio. Each gets its
// row's outcome; a refused event writes nothing; a socket refused a session hears none of its runs;
// a viewer's draft edits reach nobody and are never stored. The events are read from session-events.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH, type Ack } from '$lib/realtime/session-events';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';
import { prismaDraftStore } from '$lib/server/drafts';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { ACTORS, buildAuthzFixture, databaseState, type Actor, type AuthzFixture } from '../helpers/authz-fixture';
import { hubSurfaces, yjsSurfaces } from '../helpers/authz-inventory';
import { HUB_ROWS, YJS_ROWS, type HubOutcome, type HubRow, type YjsOutcome, type YjsRow } from '../helpers/authz-realtime';
import { connected, request, SessionWatcher, type HubClientSocket } from '../helpers/hub-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';
import { syncRoundTrip } from '../helpers/yjs-probes';

let app: AppServer;
let tgi: TgiServer;
let fx: AuthzFixture;
const open: HubClientSocket[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['Never', ' eval', ' input', '.'] });
	[app, fx] = await Promise.all([
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off', RUNS_PER_MINUTE_PER_USER: '1000' }),
		buildAuthzFixture('azlive')
	]);
}, 120_000);
afterAll(async () => {
	for (const socket of open.splice(0)) socket.disconnect();
	for (const client of clients.splice(0)) client.destroy();
	await app?.stop();
	await tgi?.close();
});

const cookieOf = (actor: Actor) => (actor === 'anonymous' ? null : fx.people[actor].cookie);

function socketOf(actor: Actor): HubClientSocket {
	const cookie = cookieOf(actor);
	const socket: HubClientSocket = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
	open.push(socket);
	return socket;
}

/** A start of version 1 with a task no other start has (no cached answer can serve it). */
const runRequest = (sessionId: string) => ({
	sessionId,
	source: { kind: 'version' as const, versionNumber: 1 },
	variables: { language: 'python', code: `print("${randomUUID()}")` },
	models: ['whiterabbitneo' as const]
});

/** The row's event, sent by the actor's own socket (after joining, for anything but connect and join). */
async function hubAnswer(row: HubRow, actor: Actor, socket: HubClientSocket, seen: SessionWatcher): Promise<{ outcome: HubOutcome; wrong?: string }> {
	const sessionId = fx[row.session].sessionId;
	const event = row.surface.replace('socket.io ', '');
	if (event === 'connect') return { outcome: 'ok' };
	const joined = await request(socket, 'session:join', { sessionId });
	let answer: Ack<unknown> = joined;
	if (event === 'session:leave') answer = await request(socket, 'session:leave', { sessionId });
	if (event === 'run:start') answer = await request(socket, 'run:start', runRequest(sessionId));
	if (event === 'run:cancel') answer = await request(socket, 'run:cancel', { sessionId, groupId: randomUUID() });
	if (event === 'variables:set') answer = await request(socket, 'variables:set', { sessionId, values: { language: `python ${actor}` } });
	if (event === 'run:resync') answer = await request(socket, 'run:resync', { sessionId, executionId: fx.shared.runId, afterSeq: 0 });
	if (!answer.ok) return { outcome: answer.error.code };
	// "Nothing more": a participant is told it may run only when its role may.
	if (event === 'session:join') {
		const canRun = (answer.data as { canRun: boolean }).canRun;
		if (canRun !== (actor === 'editor' || actor === 'owner')) return { outcome: 'ok', wrong: `${actor}: joined with canRun ${canRun}` };
	}
	// An allowed start runs to its end before the next actor asks (its row lands in the database).
	if (event === 'run:start') for (const run of (answer.data as { runs: { executionId: string }[] }).runs) await seen.finishedRun(run.executionId);
	return { outcome: 'ok' };
}

async function checkHub(row: HubRow): Promise<string[]> {
	const wrong: string[] = [];
	for (const actor of ACTORS) {
		const expected = row.expect[actor];
		const before = expected === 'ok' ? null : await databaseState([fx.workspace.id]);
		const socket = socketOf(actor);
		const seen = new SessionWatcher(socket);
		let observed: { outcome: HubOutcome; wrong?: string };
		try {
			await connected(socket);
			observed = await hubAnswer(row, actor, socket, seen);
		} catch (error) {
			const refusal = error as Error & { data?: { code?: string } };
			observed = refusal.data?.code === 'unauthorized' ? { outcome: 'no socket' } : { outcome: 'internal', wrong: `${actor}: ${refusal.message}` };
		} finally {
			socket.disconnect();
		}
		if (observed.outcome !== expected) wrong.push(`${actor}: expected ${expected}, got ${observed.outcome}`);
		if (observed.wrong) wrong.push(observed.wrong);
		if (before !== null && (await databaseState([fx.workspace.id])) !== before) wrong.push(`${actor}: refused, yet the database changed`);
	}
	return wrong;
}

/** Whether any stored byte of the draft (snapshot or update log) holds `text`. */
async function stored(promptId: string, text: string): Promise<boolean> {
	const draft = await prismaDraftStore.load(promptId);
	const needle = Buffer.from(text);
	return draft !== null && [draft.snapshot, ...draft.updates.map((row) => row.update)].some((bytes) => Buffer.from(bytes).includes(needle));
}

function draftClient(promptId: string, cookie: string | null): TestClient {
	const client = connectClient(app.yjsUrl, promptId, cookie);
	clients.push(client);
	return client;
}

/**
 * What the actor's draft socket may do: closed with a code, or synced; then it types. Its own sync
 * round trip is answered once the server has read that text (applied and stored, or dropped as a
 * viewer's); the owner's round trip after it brings the owner everything the server holds. Only
 * then is it read whether the text reached the owner and was stored: a writer's is in both, a
 * reader's in neither, with no waiting for something that must not happen. Then the owner types,
 * and the actor must see it (everyone who may open the draft reads it live).
 */
async function draftAnswer(row: YjsRow, actor: Actor): Promise<{ outcome: YjsOutcome; wrong?: string }> {
	const promptId = fx[row.prompt].id;
	const observer = draftClient(promptId, fx.people.owner.cookie);
	const client = draftClient(promptId, cookieOf(actor));
	const first = await Promise.race([client.synced().then(() => 'synced' as const), client.closed().then((close) => close.code)]);
	if (first !== 'synced') return { outcome: first };
	await observer.synced();
	const mine = `${actor}-typed-${randomUUID()}`;
	client.type(mine);
	await syncRoundTrip(client);
	await syncRoundTrip(observer);
	const reached = observer.text().includes(mine);
	const kept = await stored(promptId, mine);
	const echo = `owner-answered-${randomUUID()}`;
	observer.type(echo);
	await eventually(() => client.text(), (text) => text.includes(echo));
	if (reached !== kept) return { outcome: reached ? 'write' : 'read-only', wrong: `${actor}: its text ${reached ? 'reached the owner but was not stored' : 'was stored but reached nobody'}` };
	return { outcome: reached ? 'write' : 'read-only' };
}

async function checkDraft(row: YjsRow): Promise<string[]> {
	const wrong: string[] = [];
	for (const actor of ACTORS) {
		const observed = await draftAnswer(row, actor);
		if (observed.outcome !== row.expect[actor]) wrong.push(`${actor}: expected ${row.expect[actor]}, got ${observed.outcome}`);
		if (observed.wrong) wrong.push(observed.wrong);
		for (const client of clients.splice(0)) client.destroy();
	}
	return wrong;
}

const describeRow = (row: { surface: string; variant?: string; expect: Record<Actor, unknown> }) =>
	`${row.surface}${row.variant ? ` (${row.variant})` : ''}: ${ACTORS.map((actor) => `${actor} ${String(row.expect[actor])}`).join(' · ')}`;

describe('inventory', () => {
	it('has a row for every client event of the hub and every Yjs document, and the studio mounts no other live transport', async () => {
		expect([...new Set(HUB_ROWS.map((row) => row.surface))].sort()).toEqual(hubSurfaces());
		expect([...new Set(YJS_ROWS.map((row) => row.surface))].sort()).toEqual(yjsSurfaces());
		const health = (await (await fetch(`${app.url}/api/health`)).json()) as { realtime: { paths: string[] } };
		expect([...health.realtime.paths].sort()).toEqual([SESSION_SOCKET_PATH, YJS_PATH_PREFIX].sort());
	});
});

describe('the generation hub', () => {
	for (const row of HUB_ROWS) it(describeRow(row), async () => expect(await checkHub(row)).toEqual([]));

	it('a socket refused a session hears none of its runs; a participant hears them', async () => {
		const listen = async (actor: Actor, session: 'shared' | 'secret') => {
			const socket = socketOf(actor);
			const seen = new SessionWatcher(socket);
			await connected(socket);
			await request(socket, 'session:join', { sessionId: fx[session].sessionId });
			return { socket, seen, sessionId: fx[session].sessionId };
		};
		const strangers = await Promise.all([listen('outsider', 'shared'), listen('siteAdmin', 'shared'), listen('viewer', 'secret'), listen('editor', 'secret')]);
		const { seen: viewer } = await listen('viewer', 'shared');
		const { socket: ownerSocket, seen: owner } = await listen('owner', 'shared');
		await request(ownerSocket, 'session:join', { sessionId: fx.secret.sessionId });
		for (const session of ['shared', 'secret'] as const) {
			const started = await request(ownerSocket, 'run:start', runRequest(fx[session].sessionId));
			if (!started.ok) throw new Error(`the owner could not run: ${started.error.message}`);
			for (const run of started.data.runs) await owner.finishedRun(run.executionId);
		}
		await eventually(() => viewer.finished.size, (size) => size >= 1);
		expect(viewer.textOf([...viewer.finished.keys()][0]!)).toBe('Never eval input.');
		// The owner has each run's end: the studio has sent it to every socket in that session's room.
		// An answer to each stranger's own request comes after anything sent to that socket before.
		for (const { socket, sessionId } of strangers) await request(socket, 'session:leave', { sessionId });
		for (const { seen: stranger } of strangers) expect({ started: stranger.started.length, tokens: stranger.tokens.size, finished: stranger.finished.size }).toEqual({ started: 0, tokens: 0, finished: 0 });
	});
});

describe('the Yjs draft', () => {
	for (const row of YJS_ROWS) it(describeRow(row), async () => expect(await checkDraft(row)).toEqual([]));
});
