// The whole studio in this process, through its one runtime: started as hooks.server.ts starts it
// (database, Redis, the cluster bus, generation's heartbeat, realtime on an HTTP server), it serves
// an editor's draft over Yjs and a generation session over socket.io; stopped as server.js stops it,
// it closes every socket, connection and timer it opened (the process's active resources are back
// to what they were before it started) and forgets its state; started again in the same process,
// it has everything the first one stored.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { YJS_CLOSE, YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';
import { clusterBus } from '$lib/server/cluster';
import { activeRuns, configureGeneration } from '$lib/server/generation';
import { startStudio, stopStudio } from '$lib/server/lifecycle';
import { redis } from '$lib/server/redis';
import { runtime } from '$lib/server/runtime';
import { realtimeStatus } from '$realtime/index';
import { connected, newSessionTeam, okData, request, runRequest, runRow, SessionWatcher, testSettings, type HubClientSocket } from '../helpers/hub-client';
import { storedTemplate } from '../helpers/instances';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { connectClient, eventually } from '../helpers/yjs-client';

/** What the process has open (sockets, servers, timers), counted by kind. */
function openResources(): Map<string, number> {
	const counts = new Map<string, number>();
	for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
	return counts;
}

/**
 * Resolves once no more is open than in `baseline`. A library may leave a timer that ends by itself
 * (Prisma's migration engine sets 10 s ones while it migrates), so this waits that out. It polls
 * with a plain timer, one that has fired when the count is read (vi.waitFor's own would be counted).
 */
async function backTo(baseline: Map<string, number>): Promise<void> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const extra = beyond(baseline);
		if (extra.length === 0 || Date.now() > deadline) return void expect(extra).toEqual([]);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** The kinds of which more are open now than in `baseline`, with both counts. */
function beyond(baseline: Map<string, number>): string[] {
	return [...openResources()].filter(([kind, n]) => n > (baseline.get(kind) ?? 0)).map(([kind, n]) => `${kind}: ${n} (before: ${baseline.get(kind) ?? 0})`);
}

/**
 * The studio unrefs its timers (a heartbeat must not keep a stopping process alive), and Node does
 * not count an unref'd timer as active. While this file runs, a timer the studio's own code unrefs
 * stays counted, so that one it forgot to clear shows up beside the sockets it forgot to close.
 * (Libraries' timers are left alone: a rate limiter's expiry, say, ends by itself.)
 */
function countStudioTimers(): () => void {
	const probe = setTimeout(() => undefined, 0);
	const prototype = Object.getPrototypeOf(probe) as { unref(this: unknown): unknown };
	clearTimeout(probe);
	const unref = prototype.unref;
	const studioCode = /\/(src|realtime)\//;
	prototype.unref = function (this: unknown) {
		const caller = new Error().stack?.split('\n')[2] ?? '';
		return studioCode.test(caller) && !caller.includes('node_modules') ? this : unref.call(this);
	};
	return () => {
		prototype.unref = unref;
	};
}

interface Host {
	http: Server;
	url: string;
	yjsUrl: string;
	tgi: TgiServer;
	close(): Promise<void>;
}

/** What server.js provides around a studio: an HTTP server (the runtime's host), and a model endpoint. */
async function host(tgiScript: Parameters<typeof startTgiServer>[0]): Promise<Host> {
	const tgi = await startTgiServer(tgiScript);
	const http = createServer((_request, response) => response.writeHead(404).end());
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	runtime().host.httpServer = http;
	return {
		http,
		tgi,
		url: `http://127.0.0.1:${port}`,
		yjsUrl: `ws://127.0.0.1:${port}${YJS_PATH_PREFIX.slice(0, -1)}`,
		async close() {
			runtime().host.httpServer = undefined;
			http.closeAllConnections();
			await new Promise((resolve) => http.close(resolve));
			await tgi.close();
		}
	};
}

function hubClient(url: string, cookie: string): { socket: HubClientSocket; disconnected: Promise<string> } {
	const socket: HubClientSocket = io(url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
	return { socket, disconnected: new Promise((resolve) => socket.once('disconnect', resolve)) };
}

/** Open connections on the host's HTTP server. */
function connectionsOf(http: Server): Promise<number> {
	return new Promise((resolve, reject) => http.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('one runtime owns the studio', () => {
	it('a studio started in this process serves a draft and a session, stops with nothing left open, and starts again with what it stored', { timeout: 120_000 }, async () => {
		const restoreUnref = countStudioTimers();
		cleanups.push(restoreUnref);
		cleanups.push(() => stopStudio());
		const before = openResources();

		// ---- the first studio ----------------------------------------------------------------------
		const first = await host({ tokens: ['tick '], delayMs: 20, endless: true });
		cleanups.push(() => first.close());
		configureGeneration(testSettings(first.tgi.url));
		await startStudio();
		expect(runtime().state).toBe('started');
		expect(realtimeStatus()).toMatchObject({ mounted: true });
		const redisClient = redis();
		expect(redisClient?.status).toBe('ready');
		expect(clusterBus()).not.toBeNull(); // its subscriber is one of the sockets the stop must close

		const team = await newSessionTeam();
		const editor = connectClient(first.yjsUrl, team.promptId, team.owner.cookie);
		cleanups.push(() => editor.destroy());
		await editor.synced();
		editor.type('<kept across the restart>');
		const starter = hubClient(first.url, team.editor.cookie);
		cleanups.push(() => void starter.socket.disconnect());
		await connected(starter.socket);
		const seen = new SessionWatcher(starter.socket);
		okData(await request(starter.socket, 'session:join', { sessionId: team.sessionId }));
		const { runs } = okData(await request(starter.socket, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const runId = runs[0]!.executionId;
		await eventually(() => seen.seqsOf(runId).length, (n) => n >= 3);
		expect(activeRuns().has(runId)).toBe(true);
		// The edit is stored before the stop is asked for: the stop must not be what stored it.
		await vi.waitFor(async () => expect(await storedTemplate(team.promptId)).toContain('<kept across the restart>'), { timeout: 10_000, interval: 20 });

		const editorClosed = editor.closed();
		await stopStudio();
		expect(runtime().state).toBe('stopped');
		expect(runtime().slots.size).toBe(0);
		expect(realtimeStatus()).toMatchObject({ mounted: false });
		// Every live socket was told to go elsewhere, the run in the air was ended, Redis is closed.
		expect((await editorClosed).code).toBe(YJS_CLOSE.goingAway);
		editor.destroy();
		expect(await starter.disconnected).toBe('io server disconnect');
		await vi.waitFor(() => expect(redisClient?.status).toBe('end'), { timeout: 5000, interval: 20 });
		await Promise.all(first.tgi.requests.map((answered) => answered.finished));
		expect(first.tgi.requests.every((answered) => answered.clientClosed)).toBe(true);
		await vi.waitFor(async () => expect(await connectionsOf(first.http)).toBe(0), { timeout: 10_000, interval: 20 });
		await first.close();
		await backTo(before);

		// ---- the same process, a second studio -------------------------------------------------------
		const second = await host({ tokens: ['again'] });
		cleanups.push(() => second.close());
		configureGeneration(testSettings(second.tgi.url));
		await startStudio();
		expect(runtime().state).toBe('started');

		// The run the stop cut is recorded as the stop left it; the edit is in the draft.
		expect(await runRow(runId)).toMatchObject({ status: 'failed', errorMessage: 'The studio was stopped during this run.' });
		const returning = connectClient(second.yjsUrl, team.promptId, team.owner.cookie);
		cleanups.push(() => returning.destroy());
		await returning.synced();
		expect(returning.text()).toContain('<kept across the restart>');
		const viewer = hubClient(second.url, team.viewer.cookie);
		cleanups.push(() => void viewer.socket.disconnect());
		await connected(viewer.socket);
		const watched = new SessionWatcher(viewer.socket);
		okData(await request(viewer.socket, 'session:join', { sessionId: team.sessionId }));
		const owner = hubClient(second.url, team.owner.cookie);
		cleanups.push(() => void owner.socket.disconnect());
		await connected(owner.socket);
		okData(await request(owner.socket, 'session:join', { sessionId: team.sessionId }));
		const again = okData(await request(owner.socket, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		expect(await watched.finishedRun(again.runs[0]!.executionId)).toMatchObject({ status: 'succeeded', text: 'again' });

		const returningClosed = returning.closed();
		await stopStudio();
		expect((await returningClosed).code).toBe(YJS_CLOSE.goingAway);
		returning.destroy();
		await Promise.all([viewer.disconnected, owner.disconnected]);
		await vi.waitFor(async () => expect(await connectionsOf(second.http)).toBe(0), { timeout: 10_000, interval: 20 });
		await second.close();
		await backTo(before);
	});

	it('a second start waits for the first and starts nothing more; stopping a stopped studio does nothing', async () => {
		cleanups.push(() => stopStudio());
		const sequence = vi.fn(async () => async () => undefined);
		const runtimeOf = runtime();
		expect(runtimeOf.state).toBe('stopped');
		await stopStudio(); // nothing to stop
		const [a, b] = [runtimeOf.start(sequence), runtimeOf.start(sequence)];
		await Promise.all([a, b]);
		expect(sequence).toHaveBeenCalledTimes(1);
		expect(runtimeOf.state).toBe('started');
		await runtimeOf.stop();
		expect(runtimeOf.state).toBe('stopped');
		await runtimeOf.start(sequence);
		expect(sequence).toHaveBeenCalledTimes(2);
		await runtimeOf.stop();
	});
});
