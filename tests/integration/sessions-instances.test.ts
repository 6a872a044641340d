// Two studio instances behind one Redis and one PostgreSQL, as behind a load balancer: a session's
// participants on either instance watch the same run, a late joiner on the other instance gets the
// logged tokens and then the live tail, and a cancel sent to the instance that does not own the
// run still stops it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { Redis } from 'ioredis';
import { SESSION_SOCKET_PATH, sessionRoom } from '$lib/realtime/session-events';
import { redisKey } from '$lib/server/redis';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { connected, newSessionTeam, okData, request, SessionWatcher, type HubClientSocket } from '../helpers/hub-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { eventually } from '../helpers/yjs-client';

const twoInstances = hasPostgres() && !!process.env.REDIS_URL;
let tgi: TgiServer;
let apps: AppServer[] = [];
const sockets: HubClientSocket[] = [];

beforeAll(async () => {
	if (!twoInstances) return;
	tgi = await startTgiServer();
	const env = { WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url, LOG_LEVEL: 'warn' };
	apps = await Promise.all([startAppServer(env), startAppServer(env)]);
}, 120_000);

afterAll(async () => {
	for (const socket of sockets) socket.disconnect();
	await Promise.all(apps.map((app) => app.stop()));
	await tgi?.close();
});

function client(app: AppServer, cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
	sockets.push(socket);
	return socket;
}

describe.runIf(twoInstances)('a session across two instances', () => {
	it('streams a run started on one instance to participants on the other; a late joiner there misses nothing', async () => {
		const team = await newSessionTeam();
		const tokens = Array.from({ length: 40 }, (_, i) => `t${i} `);
		tgi.script({ tokens, delayMs: 25 });
		const [a, b] = apps as [AppServer, AppServer];
		const editor = client(a, team.editor.cookie);
		const viewer = client(b, team.viewer.cookie);
		await Promise.all([connected(editor), connected(viewer)]);
		const seen = new SessionWatcher(viewer);
		okData(await request(viewer, 'session:join', { sessionId: team.sessionId }));
		okData(await request(editor, 'session:join', { sessionId: team.sessionId }));
		const { runs } = okData(
			await request(editor, 'run:start', {
				sessionId: team.sessionId,
				source: { kind: 'version', versionNumber: 1 },
				variables: { language: 'Go', task: 'sum a slice' },
				models: ['codet5p'],
				cacheMode: 'never'
			})
		);
		const executionId = runs[0]!.executionId;
		await eventually(() => seen.seqsOf(executionId).length, (n) => n >= 10);

		// A late joiner on instance B: the run lives on A, so B's snapshot comes from the token log.
		const late = client(b, team.owner.cookie);
		await connected(late);
		const lateSeen = new SessionWatcher(late);
		const snapshot = okData(await request(late, 'session:join', { sessionId: team.sessionId }));
		const atJoin = snapshot.runs.find((run) => run.executionId === executionId)!;
		const final = await seen.finishedRun(executionId);
		await lateSeen.finishedRun(executionId);

		expect(final.status).toBe('succeeded');
		expect(seen.textOf(executionId)).toBe(tokens.join(''));
		expect(seen.seqsOf(executionId)).toEqual(tokens.map((_, i) => i + 1));
		// What the late joiner holds: the snapshot, then live tokens numbered after it; any gap is filled by resync.
		let text = atJoin.text;
		let last = atJoin.lastSeq;
		for (const event of lateSeen.tokens.get(executionId) ?? []) {
			if (event.seq <= last) continue;
			if (event.seq > last + 1) {
				const filled = okData(await request(late, 'run:resync', { sessionId: team.sessionId, executionId, afterSeq: last }));
				for (const token of filled.tokens.filter((t) => t.seq > last && t.seq < event.seq)) text += token.text;
			}
			text += event.text;
			last = event.seq;
		}
		expect(text).toBe(tokens.join(''));
		expect(last).toBe(tokens.length);
	}, 60_000);

	it('a cancel sent to the other instance stops the run where it runs', async () => {
		const team = await newSessionTeam();
		tgi.script({ tokens: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 20 });
		const [a, b] = apps as [AppServer, AppServer];
		const starter = client(a, team.editor.cookie);
		const canceller = client(b, team.owner.cookie);
		await Promise.all([connected(starter), connected(canceller)]);
		const seen = new SessionWatcher(canceller);
		okData(await request(starter, 'session:join', { sessionId: team.sessionId }));
		okData(await request(canceller, 'session:join', { sessionId: team.sessionId }));
		const { groupId, runs } = okData(
			await request(starter, 'run:start', {
				sessionId: team.sessionId,
				source: { kind: 'version', versionNumber: 1 },
				variables: { language: 'Go', task: 'a long answer' },
				models: ['whiterabbitneo'],
				cacheMode: 'never'
			})
		);
		const executionId = runs[0]!.executionId;
		await eventually(() => seen.seqsOf(executionId).length, (n) => n >= 5);
		okData(await request(canceller, 'run:cancel', { sessionId: team.sessionId, groupId }));
		const final = await seen.finishedRun(executionId);
		expect(final.status).toBe('cancelled');
		const row = await (await prisma()).executionHistory.findUniqueOrThrow({ where: { id: executionId } });
		expect(row.status).toBe('cancelled');
		expect(row.outputData!.length).toBeGreaterThan(0);
		expect(row.outputData!.split(' ').length - 1).toBeLessThan(200);
	}, 60_000);

	it('only the instances with someone in a session subscribe to its room (sharded pub/sub, a channel per room)', async () => {
		const team = await newSessionTeam();
		const [a, b] = apps as [AppServer, AppServer];
		const redis = new Redis(process.env.REDIS_URL!);
		// The sharded adapter's channel of a room: <prefix>#<namespace>#<room>#
		const channel = `${redisKey('socket.io')}#/#${sessionRoom(team.sessionId)}#`;
		const subscribers = async () => Number(((await redis.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]);
		/** SUBSCRIBEs travel on the instance's own connection: poll (5 s at most) for the count. */
		const settlesAt = async (count: number) => {
			const deadline = Date.now() + 5000;
			while ((await subscribers()) !== count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
			return subscribers();
		};
		try {
			expect(await subscribers()).toBe(0);
			const onA = client(a, team.editor.cookie);
			await connected(onA);
			okData(await request(onA, 'session:join', { sessionId: team.sessionId }));
			expect(await settlesAt(1)).toBe(1);
			const onB = client(b, team.viewer.cookie);
			await connected(onB);
			okData(await request(onB, 'session:join', { sessionId: team.sessionId }));
			expect(await settlesAt(2)).toBe(2);
			okData(await request(onA, 'session:leave', { sessionId: team.sessionId }));
			onB.disconnect();
			expect(await settlesAt(0)).toBe(0);
		} finally {
			redis.disconnect();
		}
	}, 60_000);
});
