// Faults across several studio instances sharing PostgreSQL and Redis, behind one balancer: an
// instance killed while people type on it loses no acknowledged edit and its editors carry on on
// another instance; one killed while it streams a run leaves that run failed for everyone (the
// heartbeat sweeper of the instances left, or of the next to start); Redis going away and coming back leaves the instances converged and their
// sessions' rooms working, without a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import type { AppServer } from '../helpers/app-server';
import { startAppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { connected, joinedClient, newSessionTeam, okData, request, runRequest, SessionWatcher, type HubClientSocket } from '../helpers/hub-client';
import { balancedClient, startInstances, storedTemplate, type BalancedClient, type Instances } from '../helpers/instances';
import { startRedisProcess, type RedisProcess } from '../helpers/redis-process';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';

const manyInstances = hasPostgres() && !!process.env.REDIS_URL;
let running: Instances[] = [];
let clients: TestClient[] = [];
let sockets: HubClientSocket[] = [];
let redisProcesses: RedisProcess[] = [];
let tgiServers: TgiServer[] = [];
/** Studio processes a test started on their own, without a balancer. */
let loneApps: AppServer[] = [];

afterEach(async () => {
	for (const client of clients) client.destroy();
	clients = [];
	for (const socket of sockets) socket.disconnect();
	sockets = [];
	for (const instances of running) await instances.stop();
	running = [];
	for (const app of loneApps) await app.stop();
	loneApps = [];
	for (const redis of redisProcesses) await redis.kill();
	redisProcesses = [];
	for (const tgi of tgiServers) await tgi.close();
	tgiServers = [];
});

/** A socket.io client of one instance (or of the balancer), WebSocket only, reconnecting as the page does. */
function hubClient(url: string, cookie: string, options: { reconnection?: boolean } = {}): HubClientSocket {
	const socket: HubClientSocket = io(url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500, extraHeaders: { cookie }, ...options });
	sockets.push(socket);
	return socket;
}

/** Heartbeats fast enough for a test: a run nobody marked alive for 2.5 s is over. */
const HEARTBEAT = { RUN_HEARTBEAT_MS: '500', RUN_STALE_AFTER_MS: '2500' };

async function healthy(app: AppServer): Promise<boolean> {
	return fetch(`${app.url}/api/health`).then((response) => response.ok, () => false);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const markersIn = (text: string) => new Set(text.match(/<[a-z]\d+>/g) ?? []);
const writerOf = (marker: string) => marker[1]!;

describe.runIf(manyInstances)('an instance killed while people type on it', () => {
	it('loses no edit another instance had received; its editors reconnect elsewhere and everyone converges', async () => {
		const team = await newPromptTeam();
		// No compaction: it would write an instance's whole copy, fanned-out edits included, into the
		// snapshot, and so hide an edit that was fanned out before (or without) being stored.
		const instances = await startInstances(3, { DRAFT_COMPACT_EVERY: '100000' });
		running.push(instances);
		const { apps, balancer } = instances;

		// Six editors, two on each instance.
		const names = ['a', 'b', 'c', 'd', 'e', 'f'];
		const editors: BalancedClient[] = [];
		for (const [i, name] of names.entries()) {
			balancer.preferNext(i % 3);
			const client = balancedClient(balancer, team.promptId, i % 2 ? team.editor.cookie : team.owner.cookie, name);
			editors.push(client);
			clients.push(client);
			await client.synced();
		}
		const instanceAtStart = new Map(editors.map((client) => [client.name, client.instance()!]));
		expect([...instanceAtStart.values()].sort()).toEqual([0, 0, 1, 1, 2, 2]);
		const onVictim = editors.filter((client) => instanceAtStart.get(client.name) === 0);
		const survivors = editors.filter((client) => instanceAtStart.get(client.name) !== 0);

		let typing = true;
		const typist = (client: BalancedClient) =>
			(async () => {
				for (let i = 0; typing; i++) {
					client.type(`<${client.name}${i}>`);
					await sleep(8);
				}
			})();
		const typists = editors.map(typist);

		/** Markers a client on another instance than their writer's has: stored, then fanned out. */
		const acknowledged = () => {
			const seen = new Set<string>();
			for (const reader of survivors) {
				for (const marker of markersIn(reader.text())) {
					if (instanceAtStart.get(writerOf(marker)) !== instanceAtStart.get(reader.name)) seen.add(marker);
				}
			}
			return seen;
		};
		// Edits cross instances both ways before the kill: the victim's editors' reach the others.
		await eventually(
			() => onVictim.map((victim) => [...acknowledged()].filter((marker) => writerOf(marker) === victim.name).length),
			(counts) => counts.every((n) => n >= 20),
			20_000
		);

		// One of the victim's editors goes away with it (a laptop closed at that moment): what others
		// had of theirs must be stored, as no copy of theirs will ever be sent again.
		const gone = onVictim[0]!;
		await apps[0]!.crash();
		gone.destroy();
		const ackedAtKill = acknowledged();
		await sleep(1500); // typing goes on: the moving editor offline or already on another instance
		typing = false;
		await Promise.all(typists);

		const live = editors.filter((client) => client !== gone);
		await eventually(() => live.map((client) => client.instance()), (where) => where.every((i) => i === 1 || i === 2), 20_000);
		const texts = await eventually(
			() => live.map((client) => client.text()),
			(all) => all.every((text) => text === all[0]),
			20_000
		);
		const everyoneHas = texts[0]!;
		expect(ackedAtKill.size).toBeGreaterThan(40);
		expect([...ackedAtKill].filter((marker) => !everyoneHas.includes(marker))).toEqual([]);
		// PostgreSQL holds every edit anyone sees, the gone editor's acknowledged ones included.
		const notStored = async () => {
			const stored = markersIn(await storedTemplate(team.promptId));
			return [...markersIn(everyoneHas)].filter((marker) => !stored.has(marker));
		};
		await expect.poll(notStored, { timeout: 10_000 }).toEqual([]);
		expect([...ackedAtKill].filter((marker) => writerOf(marker) === gone.name).length).toBeGreaterThan(10);
	}, 150_000);
});

describe.runIf(manyInstances)('an instance killed while it streams a run', () => {
	it('the run ends failed for the viewers on the other instance and in history; a viewer of the dead instance comes back to see it failed', async () => {
		const tgi = await startTgiServer();
		tgiServers.push(tgi);
		const instances = await startInstances(2, { ...HEARTBEAT, WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url });
		running.push(instances);
		const { apps, balancer } = instances;
		const team = await newSessionTeam();

		// Through the balancer: the starter and one viewer on A (index 0), one viewer on B.
		const onA = (cookie: string) => {
			balancer.preferNext(0);
			return hubClient(balancer.url, cookie, { reconnection: false });
		};
		const starter = onA(team.editor.cookie);
		await connected(starter);
		const viewerOfA = onA(team.viewer.cookie);
		await connected(viewerOfA);
		balancer.preferNext(1);
		const viewerOfB = hubClient(balancer.url, team.owner.cookie, { reconnection: false });
		await connected(viewerOfB);
		expect(balancer.openConnections()).toEqual([2, 1]);
		const seenOnA = new SessionWatcher(viewerOfA);
		const seenOnB = new SessionWatcher(viewerOfB);
		for (const socket of [starter, viewerOfA, viewerOfB]) okData(await request(socket, 'session:join', { sessionId: team.sessionId }));

		tgi.script({ tokens: Array.from({ length: 300 }, (_, i) => `s${i} `), delayMs: 50 });
		const { runs } = okData(await request(starter, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const executionId = runs[0]!.executionId;
		await eventually(() => seenOnB.seqsOf(executionId).length, (n) => n >= 5, 10_000);
		expect(seenOnA.seqsOf(executionId).length).toBeGreaterThan(0);

		await apps[0]!.crash();
		const final = await seenOnB.finishedRun(executionId, 20_000);
		expect(final.status).toBe('failed');
		expect(final.error).toMatch(/instance running this stopped/);
		const row = await (await prisma()).executionHistory.findUniqueOrThrow({ where: { id: executionId } });
		expect(row.status).toBe('failed');
		expect(seenOnA.finished.has(executionId)).toBe(false); // its socket died with A

		// The viewer of A comes back through the same URL, lands on B, and joins again.
		await eventually(() => viewerOfA.connected, (isConnected) => !isConnected);
		viewerOfA.connect();
		await connected(viewerOfA);
		expect(balancer.openConnections()).toEqual([0, 2]);
		const snapshot = okData(await request(viewerOfA, 'session:join', { sessionId: team.sessionId }));
		const seenAgain = snapshot.runs.find((run) => run.executionId === executionId);
		expect(seenAgain?.status).toBe('failed');
	}, 120_000);

	it('a run left running by the only instance, killed, ends failed when a new instance starts', async () => {
		const tgi = await startTgiServer();
		tgiServers.push(tgi);
		const env = { ...HEARTBEAT, LOG_LEVEL: 'warn', WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url };
		const team = await newSessionTeam();
		const first = await startAppServer(env);
		loneApps.push(first);
		const starter = hubClient(first.url, team.editor.cookie, { reconnection: false });
		const { seen } = await joinedClient(starter, team.sessionId);
		tgi.script({ tokens: Array.from({ length: 300 }, (_, i) => `s${i} `), delayMs: 50 });
		const { runs } = okData(await request(starter, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const executionId = runs[0]!.executionId;
		await eventually(() => seen.seqsOf(executionId).length, (n) => n >= 5, 10_000);
		await first.crash();

		const db = await prisma();
		expect((await db.executionHistory.findUniqueOrThrow({ where: { id: executionId } })).status).toBe('running');
		await sleep(3000); // past the stale window, with no instance alive to sweep
		expect((await db.executionHistory.findUniqueOrThrow({ where: { id: executionId } })).status).toBe('running');

		const next = await startAppServer(env);
		loneApps.push(next);
		const row = await db.executionHistory.findUniqueOrThrow({ where: { id: executionId } });
		expect(row.status).toBe('failed');
		expect(row.errorMessage).toMatch(/instance running this stopped/);
	}, 120_000);
});

describe.runIf(manyInstances)('Redis going away and coming back', () => {
	it('the instances keep serving, then converge and hear each other again without a restart', async () => {
		const redis = await startRedisProcess();
		redisProcesses.push(redis);
		const tgi = await startTgiServer();
		tgiServers.push(tgi);
		const instances = await startInstances(2, { REDIS_URL: redis.url, WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url });
		running.push(instances);
		const [a, b] = instances.apps as [AppServer, AppServer];
		const team = await newSessionTeam();

		const alice = connectClient(a.yjsUrl, team.promptId, team.owner.cookie);
		const bob = connectClient(b.yjsUrl, team.promptId, team.editor.cookie);
		clients.push(alice, bob);
		await Promise.all([alice.synced(), bob.synced()]);
		alice.type('<before>');
		await eventually(() => bob.text(), (text) => text.includes('<before>'));

		// Session participants on each instance, joined before the outage; the viewer joins again
		// when the studio asks it to, as the page does.
		const starter = hubClient(a.url, team.editor.cookie);
		const viewer = hubClient(b.url, team.viewer.cookie);
		await Promise.all([connected(starter), connected(viewer)]);
		const seen = new SessionWatcher(viewer);
		let rejoined: Promise<unknown> | null = null;
		viewer.on('session:refresh', () => {
			rejoined = request(viewer, 'session:join', { sessionId: team.sessionId }).then(okData);
		});
		okData(await request(starter, 'session:join', { sessionId: team.sessionId }));
		okData(await request(viewer, 'session:join', { sessionId: team.sessionId }));

		await redis.kill();
		for (let i = 0; i < 60; i++) {
			alice.type(`<a${i}>`);
			bob.type(`<b${i}>`);
			await sleep(20);
		}
		expect(await healthy(a)).toBe(true);
		expect(await healthy(b)).toBe(true);

		await redis.start();
		const outage = [...Array.from({ length: 60 }, (_, i) => `<a${i}>`), ...Array.from({ length: 60 }, (_, i) => `<b${i}>`)];
		const texts = await eventually(
			() => [alice.text(), bob.text()],
			([left, right]) => left === right && outage.every((marker) => left!.includes(marker)),
			20_000
		);
		await expect.poll(() => storedTemplate(team.promptId), { timeout: 10_000 }).toBe(texts[0]);
		// Typing after the outage crosses instances again.
		bob.type('<after>');
		await eventually(() => alice.text(), (text) => text.includes('<after>'));

		// A run started on A after the outage reaches the viewer on B, start to finish.
		await eventually(() => rejoined, (joining) => joining !== null, 10_000);
		await rejoined;
		const tokens = Array.from({ length: 20 }, (_, i) => `r${i} `);
		tgi.script({ tokens, delayMs: 10 });
		const { runs } = okData(await request(starter, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const final = await seen.finishedRun(runs[0]!.executionId, 20_000);
		expect(final.status).toBe('succeeded');
		expect(final.text).toBe(tokens.join(''));
	}, 120_000);
});
