// Redis unreachable under a studio (its REDIS_URL points at a Redis process of the test's own, killed
// and started again): the instance keeps serving its own people. Rate limits go on counting in
// memory, editors on it keep seeing each other's edits, a session's viewers on it get a run's
// tokens and its end as they happen (not held back until ioredis gives up on Redis), and someone
// opening the session meanwhile joins it. Once Redis is back the studio uses it again: limits
// counted there, viewers asked to join again for a fresh snapshot.
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH, sessionRoom } from '$lib/realtime/session-events';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { createApiToken } from '$lib/server/api-tokens';
import { openSession } from '$lib/server/generation';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { connected, newSessionTeam, okData, request, runRequest, SessionWatcher, type HubClientSocket } from '../helpers/hub-client';
import { storedTemplate } from '../helpers/instances';
import { startRedisProcess, type RedisProcess } from '../helpers/redis-process';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';

let app: AppServer | undefined;
let redis: RedisProcess | undefined;
let tgi: TgiServer | undefined;
let clients: TestClient[] = [];
let sockets: HubClientSocket[] = [];
let inspector: Redis | undefined;

afterEach(async () => {
	for (const client of clients) client.destroy();
	clients = [];
	for (const socket of sockets) socket.disconnect();
	sockets = [];
	inspector?.disconnect();
	inspector = undefined;
	await app?.stop();
	app = undefined;
	await redis?.kill();
	redis = undefined;
	await tgi?.close();
	tgi = undefined;
});

/** A socket.io client that reconnects as the page does. */
function hubClient(url: string, cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500, extraHeaders: { cookie } });
	sockets.push(socket);
	return socket;
}

/** The studio's log without the line ioredis's every reconnection attempt adds. */
function withoutRetries(log: string): string {
	return log
		.split('\n')
		.filter((line) => !line.includes('connection error'))
		.join('\n');
}

const API_LIMIT = 5;
const TOKENS = Array.from({ length: 50 }, (_, i) => `o${i} `);
const TOKEN_DELAY_MS = 80;
/** How late a viewer may get a token or a run's end, here on a busy 2-core machine. */
const PROMPT_MS = 1000;

describe.runIf(hasPostgres())('Redis unreachable under a studio', () => {
	it('limits count in memory, editors keep syncing, viewers get runs as they happen; Redis is used again once back', async () => {
		redis = await startRedisProcess();
		tgi = await startTgiServer();
		const team = await newSessionTeam();
		app = await startAppServer({
			REDIS_URL: redis.url,
			API_REQUESTS_PER_MINUTE: String(API_LIMIT),
			WHITERABBITNEO_ENDPOINT_URL: tgi.url,
			CODET5P_ENDPOINT_URL: tgi.url,
			EMBEDDED_MODEL: 'off'
		});
		const apiGet = (token: string) => fetch(`${app!.url}/api/v1/prompts`, { headers: { authorization: `Bearer ${token}` } });
		const newToken = async (name: string) => (await createApiToken(team.owner.member, { name, scopes: ['read'], expiresInDays: 0 })).token;

		// Everyone is there before the outage: two editors, a starter and a viewer of the session.
		const alice = connectClient(app.yjsUrl, team.promptId, team.owner.cookie);
		const bob = connectClient(app.yjsUrl, team.promptId, team.editor.cookie);
		clients.push(alice, bob);
		await Promise.all([alice.synced(), bob.synced()]);
		const starter = hubClient(app.url, team.editor.cookie);
		const viewer = hubClient(app.url, team.viewer.cookie);
		await Promise.all([connected(starter), connected(viewer)]);
		const seen = new SessionWatcher(viewer);
		const refreshed: Promise<void> = new Promise((resolve) => viewer.once('session:refresh', () => resolve()));
		for (const socket of [starter, viewer]) okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
		// When each token and the run's end reach the viewer.
		const arrivals: number[] = [];
		let finishedAt = 0;
		viewer.on('run:tokens', () => arrivals.push(performance.now()));
		viewer.on('run:finished', () => (finishedAt = performance.now()));

		await redis.kill();
		const outageFrom = performance.now();

		// (a) A rate limit still refuses past its limit, counted in memory.
		const limited = await newToken('limited');
		const statuses: number[] = [];
		for (let i = 0; i <= API_LIMIT; i++) statuses.push((await apiGet(limited)).status);
		expect(statuses).toEqual([...Array(API_LIMIT).fill(200), 429]);

		// (b) Editors on this studio see each other's edits (stored in PostgreSQL as ever).
		alice.type('<a-outage>');
		await eventually(() => bob.text(), (text) => text.includes('<a-outage>'));
		bob.type('<b-outage>');
		await eventually(() => alice.text(), (text) => text.includes('<b-outage>'));
		expect(await storedTemplate(team.promptId)).toMatch(/<a-outage><b-outage>$/);

		// (c) A run: its viewer gets each token and the end as they happen.
		tgi.script({ tokens: TOKENS, delayMs: TOKEN_DELAY_MS });
		const { runs } = okData(await request(starter, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const executionId = runs[0]!.executionId;
		const final = await seen.finishedRun(executionId, 30_000);
		expect(final).toMatchObject({ status: 'succeeded', text: TOKENS.join('') });
		expect(seen.seqsOf(executionId)).toEqual(TOKENS.map((_, i) => i + 1));
		const model = tgi.requests[0]!;
		const late = {
			firstToken: Math.round(arrivals[0]! - model.firstTokenAt!),
			end: Math.round(finishedAt - model.lastTokenAt!),
			longestGap: Math.round(Math.max(...arrivals.slice(1).map((at, i) => at - arrivals[i]!))),
			outageAgeAtStart: Math.round(model.receivedAt - outageFrom)
		};
		console.log(`during the outage, tokens every ${TOKEN_DELAY_MS} ms reached the viewer (ms):`, late);
		expect(late.firstToken).toBeLessThan(PROMPT_MS);
		expect(late.end).toBeLessThan(PROMPT_MS);
		expect(late.longestGap).toBeLessThan(PROMPT_MS);

		// (d) Someone opening the session now (a reload, a newcomer) joins it at once and sees the run
		// and who is there (the people on this instance: the others cannot be asked).
		const newcomer = hubClient(app.url, team.owner.cookie);
		await connected(newcomer);
		const joinFrom = performance.now();
		const joined = okData(await request(newcomer, 'session:join', { sessionId: team.sessionId }));
		const joinMs = Math.round(performance.now() - joinFrom);
		console.log(`joining the session during the outage took ${joinMs} ms`);
		expect(joinMs).toBeLessThan(PROMPT_MS);
		expect(joined.runs.find((run) => run.executionId === executionId)).toMatchObject({ status: 'succeeded', text: TOKENS.join('') });
		expect(joined.participants.map((p) => p.username).sort()).toEqual([team.owner.user.username, team.editor.user.username, team.viewer.user.username].sort());

		// (e) A session nobody here was in before, opened now: its room asks Redis for its channel,
		// which has to wait for Redis. The studio goes on serving meanwhile, past several of ioredis's
		// reconnection attempts (each logged; every third used to fail what waited, unhandled).
		const second = await openSession(team.owner.member, team.promptSlug, 'Opened during the outage');
		const attempts = () => app!.output().split('socket.io redis adapter connection error').length;
		const attemptsBefore = attempts();
		okData(await request(newcomer, 'session:join', { sessionId: second.id }));
		const exited = app.exited();
		const outcome = await Promise.race([eventually(attempts, (n) => n - attemptsBefore >= 8, 20_000).then(() => 'serving' as const), exited]);
		expect(outcome, withoutRetries(app.output()).slice(-2000)).toBe('serving');
		expect(await fetch(`${app.url}/api/health`).then((response) => response.status)).toBe(200);
		expect(okData(await request(newcomer, 'session:join', { sessionId: second.id })).sessionId).toBe(second.id);

		// Redis is back (empty, as a lost Redis comes back): the session's sockets are asked to join
		// again and get the run from the log; both sessions' rooms listen to the other instances again
		// (the one opened during the outage too); limits are counted in Redis again.
		await redis.start();
		await refreshed;
		const snapshot = okData(await request(viewer, 'session:join', { sessionId: team.sessionId }));
		expect(snapshot.runs.find((run) => run.executionId === executionId)).toMatchObject({ status: 'succeeded', text: TOKENS.join('') });
		inspector = new Redis(redis.url, { maxRetriesPerRequest: 1 });
		const roomChannel = (sessionId: string) => `${process.env.REDIS_PREFIX ?? 'cts'}:socket.io#/#${sessionRoom(sessionId)}#`;
		const listening = async () => ((await inspector!.call('PUBSUB', 'SHARDCHANNELS', `${roomChannel('*')}`)) as string[]).sort();
		await expect.poll(listening, { timeout: 10_000 }).toEqual([roomChannel(team.sessionId), roomChannel(second.id)].sort());
		const afterwards = await newToken('afterwards');
		const countedInRedis = async () => {
			await apiGet(afterwards);
			return (await inspector!.keys(`${process.env.REDIS_PREFIX ?? 'cts'}:api:token:*`)).length;
		};
		await expect.poll(countedInRedis, { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
	}, 120_000);

	it('a studio stopped (SIGTERM) while Redis is away records its run failed and exits 0 at once', async () => {
		redis = await startRedisProcess();
		tgi = await startTgiServer({ tokens: ['tick '], delayMs: 40, endless: true });
		const team = await newSessionTeam();
		app = await startAppServer({ REDIS_URL: redis.url, WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off' });
		const alice = connectClient(app.yjsUrl, team.promptId, team.owner.cookie);
		clients.push(alice);
		await alice.synced();
		const starter = hubClient(app.url, team.editor.cookie);
		await connected(starter);
		const seen = new SessionWatcher(starter);
		okData(await request(starter, 'session:join', { sessionId: team.sessionId }));
		const { runs } = okData(await request(starter, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const executionId = runs[0]!.executionId;
		await eventually(() => seen.seqsOf(executionId).length, (n) => n >= 3, 15_000);

		await redis.kill();
		// Work that waits for Redis when the stop comes: a room new to this instance (its subscription)
		// and the run's events (their publishes).
		const second = await openSession(team.owner.member, team.promptSlug, 'Opened during the outage');
		okData(await request(starter, 'session:join', { sessionId: second.id }));
		const tokensBefore = seen.seqsOf(executionId).length;
		await eventually(() => seen.seqsOf(executionId).length, (n) => n >= tokensBefore + 3);

		const stoppedAt = performance.now();
		const exited = app.exited();
		await app.stop();
		const stopMs = Math.round(performance.now() - stoppedAt);
		console.log(`SIGTERM during the outage: exited after ${stopMs} ms`);
		expect(await exited, withoutRetries(app.output()).slice(-2000)).toEqual({ code: 0, signal: null });
		expect(stopMs).toBeLessThan(5000); // not server.js's 10 s limit
		expect((await alice.closed()).code).toBe(YJS_CLOSE.goingAway);
		const row = await (await prisma()).executionHistory.findUniqueOrThrow({ where: { id: executionId } });
		expect({ status: row.status, error: row.errorMessage }).toEqual({ status: 'failed', error: 'The studio was stopped during this run.' });
	}, 90_000);

	it('a room subscription Redis refuses is logged, and the studio goes on', async () => {
		redis = await startRedisProcess();
		const team = await newSessionTeam();
		app = await startAppServer({ REDIS_URL: redis.url });
		const socket = hubClient(app.url, team.owner.cookie);
		await connected(socket);
		// An ACL that takes sharded subscriptions away (a misconfigured Redis, or one older than 7).
		inspector = new Redis(redis.url, { maxRetriesPerRequest: 1 });
		await inspector.call('ACL', 'SETUSER', 'default', '-ssubscribe');
		const exited = app.exited();
		const joined = request(socket, 'session:join', { sessionId: team.sessionId }).then(okData);
		expect(await Promise.race([joined.then(() => 'joined' as const), exited]), app.output().slice(-2000)).toBe('joined');
		const refused = () => app!.output().includes('ssubscribe on the socket.io Redis connection failed');
		expect(await Promise.race([eventually(refused, (seen) => seen).then(() => 'logged' as const), exited]), app.output().slice(-2000)).toBe('logged');
		expect(await fetch(`${app.url}/api/health`).then((response) => response.status)).toBe(200);
	}, 60_000);
});
