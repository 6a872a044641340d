// Latency and throughput of live co-editing: N clients (real y-websocket providers over real
// sockets) on one document, for our server (auth, validation, append-before-broadcast to the
// database) and for y-websocket's reference server (in memory, no auth), in the same process.
//   latency: one client types a character; the time until each other client has it (p50, p99)
//   throughput: every client types at once; edits per second until everyone has every edit
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { SESSION_COOKIE, createSession, generateSessionToken, signUp } from '$lib/server/auth';
import { closeDatabase } from '$lib/server/db';
import { flushDrafts } from '$lib/server/drafts';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { createWorkspace, findMembership } from '$lib/server/workspaces';
import { YjsServer } from '$realtime/index';

const SIZES = [2, 10, 50];
/** Sequential edits timed for latency, per N (each is seen by N-1 clients). */
const LATENCY_EDITS: Record<number, number> = { 2: 1000, 10: 500, 50: 200 };
/** Edits typed at once, in all, for throughput. */
const THROUGHPUT_EDITS = 2000;

process.setMaxListeners(500); // each provider listens for process exit

interface Figures {
	p50: number;
	p99: number;
	updatesPerSecond: number;
	samples: number;
}

interface Listening {
	url: string;
	close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
	return new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
}

async function startOurs(): Promise<Listening & { yjs: YjsServer }> {
	// The throughput phase sends each client's updates back to back, far past a person's typing: the
	// per-socket budgets (realtime/yjs/limits.ts) would close those sockets, so the bench lifts them
	// and measures the path itself, as the reference server has none.
	const unlimited = { messageBurst: Infinity, messagesPerSecond: Infinity, byteBurst: Infinity, bytesPerSecond: Infinity };
	const yjs = new YjsServer({ limits: unlimited });
	const http = createServer();
	http.on('upgrade', (request, socket, head) => yjs.handleUpgrade(request, socket, head));
	const port = await listen(http);
	return {
		url: `ws://127.0.0.1:${port}/yjs`,
		yjs,
		async close() {
			await yjs.close();
			http.closeAllConnections();
			await new Promise((done) => http.close(done));
		}
	};
}

async function startReference(): Promise<Listening> {
	// Not in the package's exports: load the file itself (its `require('yjs')` is redirected, see bench/yjs.mjs).
	const require = createRequire(resolve(process.cwd(), 'package.json'));
	const { setupWSConnection } = require(resolve(process.cwd(), 'node_modules/y-websocket-reference/bin/utils.cjs')) as {
		setupWSConnection: (conn: WebSocket, request: unknown, options: { docName: string }) => void;
	};
	const wss = new WebSocketServer({ noServer: true });
	const http = createServer();
	http.on('upgrade', (request, socket, head) => {
		wss.handleUpgrade(request, socket, head, (conn) => setupWSConnection(conn, request, { docName: (request.url ?? '/').slice(1) }));
	});
	const port = await listen(http);
	return {
		url: `ws://127.0.0.1:${port}/ref`,
		async close() {
			for (const client of wss.clients) client.terminate();
			wss.close();
			http.closeAllConnections();
			await new Promise((done) => http.close(done));
		}
	};
}

class BenchClient {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	private waiters: Array<{ check: () => boolean; resolve: (at: number) => void }> = [];

	constructor(serverUrl: string, room: string, cookie: string | null) {
		class CookieWebSocket extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols, cookie ? { headers: { cookie } } : {});
			}
		}
		this.provider = new WebsocketProvider(serverUrl, room, this.doc, {
			WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		this.doc.on('update', () => {
			if (this.waiters.length === 0) return;
			const now = performance.now();
			this.waiters = this.waiters.filter((waiter) => (waiter.check() ? (waiter.resolve(now), false) : true));
		});
	}

	synced(): Promise<void> {
		return new Promise((done, fail) => {
			if (this.provider.synced) return done();
			const timer = setTimeout(() => fail(new Error('a client did not sync within 20 s')), 20_000);
			this.provider.once('sync', () => (clearTimeout(timer), done()));
		});
	}

	state(client: number): number {
		return Y.getState(this.doc.store, client);
	}

	/** Resolves with the time at which `check` first holds after an update. */
	when(check: () => boolean): Promise<number> {
		if (check()) return Promise.resolve(performance.now());
		return new Promise((done) => this.waiters.push({ check, resolve: done }));
	}

	type(): void {
		const text = this.doc.getText('template');
		text.insert(text.length, 'x');
	}

	destroy(): void {
		this.provider.destroy();
		this.doc.destroy();
	}
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(serverUrl: string, room: string, cookies: Array<string | null>): Promise<Figures> {
	const n = cookies.length;
	const clients = cookies.map((cookie) => new BenchClient(serverUrl, room, cookie));
	try {
		await Promise.all(clients.map((client) => client.synced()));
		const typeAndWait = async (sender: BenchClient) => {
			const id = sender.doc.clientID;
			const target = sender.state(id) + 1;
			const start = performance.now();
			sender.type();
			const others = clients.filter((client) => client !== sender);
			return (await Promise.all(others.map((client) => client.when(() => client.state(id) >= target)))).map((at) => at - start);
		};
		for (let i = 0; i < Math.min(n, 10) * 2; i++) await typeAndWait(clients[i % n]!); // warm-up

		const latencies: number[] = [];
		for (let i = 0; i < LATENCY_EDITS[n]!; i++) latencies.push(...(await typeAndWait(clients[i % n]!)));
		latencies.sort((a, b) => a - b);

		const perClient = Math.ceil(THROUGHPUT_EDITS / n);
		const targets = clients.map((client) => [client.doc.clientID, client.state(client.doc.clientID) + perClient] as const);
		const start = performance.now();
		const done = Promise.all(clients.map((client) => client.when(() => targets.every(([id, clock]) => client.state(id) >= clock))));
		for (let round = 0; round < perClient; round++) {
			for (const client of clients) client.type();
			await new Promise((next) => setImmediate(next));
		}
		const finished = Math.max(...(await done));
		return {
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			updatesPerSecond: (perClient * n) / ((finished - start) / 1000),
			samples: latencies.length
		};
	} finally {
		for (const client of clients) client.destroy();
	}
}

async function benchPrompt(n: number) {
	const owner = await signUp(`bench${n}x${Date.now().toString(36)}`, 'correct horse battery staple 42');
	const { slug } = await createWorkspace(owner.id, `Bench ${n} ${Date.now()}`);
	const member = { user: owner, ...(await findMembership(owner.id, slug))! };
	const prompt = await createPrompt(member, promptMetaSchema.parse({ name: `Bench with ${n} clients` }));
	const { id } = await getPrompt(member, prompt.slug);
	const cookies = await Promise.all(
		Array.from({ length: n }, async () => {
			const token = generateSessionToken();
			await createSession(token, owner.id);
			return `${SESSION_COOKIE}=${token}`;
		})
	);
	return { id, cookies };
}

const fmt = (value: number, digits = 2) => value.toFixed(digits).padStart(9);

export async function runBench({ database }: { database: string }): Promise<void> {
	console.log('Yjs sync: our server vs y-websocket 2.1 reference server (bin/utils.cjs), same process, same run');
	console.log(`our server stores every update in: ${database}`);
	console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} CPUs; clients and servers share this process\n`);
	const ours = await startOurs();
	const reference = await startReference();
	const rows: string[] = [];
	const header = `${'N'.padStart(3)}  ${'server'.padEnd(10)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'updates/s'.padStart(9)} ${'samples'.padStart(8)}`;
	try {
		for (const n of SIZES) {
			const { id, cookies } = await benchPrompt(n);
			const ref = await measure(reference.url, `bench-${n}-${Date.now()}`, cookies.map(() => null));
			const our = await measure(ours.url, id, cookies);
			await flushDrafts();
			rows.push(
				`${String(n).padStart(3)}  ${'ours'.padEnd(10)} ${fmt(our.p50)} ${fmt(our.p99)} ${fmt(our.updatesPerSecond, 0)} ${String(our.samples).padStart(8)}`,
				`${String(n).padStart(3)}  ${'reference'.padEnd(10)} ${fmt(ref.p50)} ${fmt(ref.p99)} ${fmt(ref.updatesPerSecond, 0)} ${String(ref.samples).padStart(8)}`,
				`${String(n).padStart(3)}  ${'ours/ref'.padEnd(10)} ${fmt(our.p50 / ref.p50)}x ${fmt(our.p99 / ref.p99).trimStart().padStart(8)}x ${fmt(our.updatesPerSecond / ref.updatesPerSecond).trimStart().padStart(8)}x`,
				''
			);
			console.log(`N=${n} done`);
		}
	} finally {
		await ours.close();
		await reference.close();
		await closeDatabase();
	}
	console.log(`\n${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}`);
	console.log('latency: an edit by one client until each other client has it (N-1 samples per edit, edits one after another)');
	console.log(`updates/s: ${THROUGHPUT_EDITS} edits typed by all N clients at once, until every client has every edit`);
	console.log('ratio: latency ours/ref above 1 means slower; updates/s ours/ref below 1 means fewer');
}
