// Live generation sessions: the socket.io hub (realtime/hub) and the generation engine
// (src/lib/server/generation) in this process, in front of the TGI-protocol test server
// (tests/helpers/tgi-server.ts), with 1, 100 and 1000 viewers: real socket.io clients over
// websockets, each a viewer of its own with its own session cookie, all joined to one session.
// The viewers run in a worker thread (bench/generation-viewers.mjs): their parsing does not steal
// the studio's thread, as browsers on other machines would not. The editor (who starts the runs)
// is a socket.io client on the studio's thread.
//   time to first token (cache mode never: every run goes upstream), as one viewer sees it: from
//     the editor emitting run:start to that viewer receiving seq 1; the model server's own: from the
//     TGI server's handler receiving the request to it writing the first token; added = the first
//     minus the second, split into before (run:start emitted -> request at the model server) and
//     after (first token written -> viewer has seq 1)
//   cached replay (mode auto, temperature 0, the same request answered once before): the same
//     viewer TTFT, served from model_cache with no upstream request
//   fan-out: one run of 500 tokens with no delay upstream; token events received by all viewers
//     per second (first to last delivery of the run anywhere), and one viewer's own rate
//   joining: how long the viewers took to join, and the presence announcements they received meanwhile
// BENCH_GENERATION_VIEWERS=1,100 (for instance) measures other viewer counts.
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { writeDraft, type DraftContent } from '$lib/prompt-doc';
import { SESSION_SOCKET_PATH, type ClientToServerEvents, type RunView, type ServerToClientEvents, type StartRunRequest } from '$lib/realtime/session-events';
import { generateSessionToken, SESSION_COOKIE } from '$lib/server/auth';
import { sessionIdFromToken, SESSION_TTL_MS } from '$lib/server/auth/session';
import { closeDatabase, prisma } from '$lib/server/db';
import { flushDrafts, updateDraft } from '$lib/server/drafts';
import { closeGeneration, configureGeneration, openSession } from '$lib/server/generation';
import { closeRedis } from '$lib/server/redis';
import { commitDraft } from '$lib/server/versions';
import { GenerationHub } from '$realtime/hub/server';
import { startTgiServer, type RecordedRequest, type TgiScript, type TgiServer } from '../tests/helpers/tgi-server';
import { newPromptTeam, type PromptTeam } from '../tests/helpers/yjs-team';

/** Viewer counts, in increasing order (viewers are added to the session between them). */
const VIEWER_COUNTS = process.env.BENCH_GENERATION_VIEWERS ? process.env.BENCH_GENERATION_VIEWERS.split(',').map(Number) : [1, 100, 1000];
/** Timed runs per viewer count (after one untimed run), for first-token time and for cached replay; fewer from 1000 viewers. */
const TTFT_RUNS = 20;
const TTFT_RUNS_LARGE = 10;
/** Runs of FANOUT_TOKENS tokens per viewer count. */
const FANOUT_RUNS = 3;
const FANOUT_RUNS_LARGE = 1;
const FANOUT_TOKENS = 500;
/** Upstream answer of the first-token runs: 16 tokens, 10 ms apart, like a (fast) real model. */
const TTFT_SCRIPT: TgiScript = { tokens: Array.from({ length: 16 }, (_, i) => ` t${i}`), delayMs: 10 };
/** A socket may send 60 events per 10 s (realtime/hub/client-events.ts): the editor reconnects before that. */
const EDITOR_EVENTS = 45;

const CONTENT: DraftContent = {
	systemPrompt: 'You are a senior code reviewer.',
	userPromptTemplate: 'Generate {{language}} code: {{task}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 256 }
};

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

interface ViewerRun {
	executionId: string;
	/** Per viewer, on this thread's performance.now() clock: seq 1 received, last token received. */
	first: Float64Array;
	last: Float64Array;
	counts: Uint32Array;
	gaps: number;
}

function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const sortNumbers = (values: number[]) => Float64Array.from(values).sort();
const median = (values: number[]) => percentile(sortNumbers(values), 50);

/** The viewers' worker, with its clock calibrated to this thread's performance.now(). */
class Viewers {
	private readonly worker: Worker;
	private offset = 0;
	private readonly pending = new Map<string, (message: any) => void>();
	private readonly runs = new Map<string, ViewerRun>();
	private readonly runWaiters = new Map<string, (run: ViewerRun) => void>();
	private failure: Error | null = null;

	constructor(file: string) {
		this.worker = new Worker(file);
		this.worker.on('message', (message) => this.receive(message));
		this.worker.on('error', (error) => (this.failure = error));
	}

	private receive(message: any): void {
		if (message.type === 'run') {
			const toLocal = (values: Float64Array) => values.map((at) => at - this.offset);
			const run: ViewerRun = { executionId: message.executionId, first: toLocal(message.first), last: toLocal(message.last), counts: message.counts, gaps: message.gaps };
			const waiter = this.runWaiters.get(run.executionId);
			if (waiter) {
				this.runWaiters.delete(run.executionId);
				waiter(run);
			} else this.runs.set(run.executionId, run);
			return;
		}
		if (message.type === 'error') this.failure = new Error(`viewers: ${message.message}`);
		const key = message.type === 'pong' ? `pong:${message.id}` : message.type === 'error' ? [...this.pending.keys()][0]! : message.type;
		const resolveIt = this.pending.get(key);
		this.pending.delete(key);
		resolveIt?.(message);
	}

	private ask(message: object, answer: string): Promise<any> {
		return new Promise((resolveIt, reject) => {
			this.pending.set(answer, (reply) => (reply.type === 'error' ? reject(new Error(`viewers: ${reply.message}`)) : resolveIt(reply)));
			this.worker.postMessage(message);
		});
	}

	/** The worker's absolute clock minus ours, from the ping with the shortest round trip. */
	async calibrate(): Promise<{ offsetMs: number; roundTripMs: number }> {
		let best = { offsetMs: 0, roundTripMs: Infinity };
		for (let id = 0; id < 50; id++) {
			const sent = performance.now();
			const { at } = await this.ask({ type: 'ping', id }, `pong:${id}`);
			const received = performance.now();
			if (received - sent < best.roundTripMs) best = { offsetMs: at - (sent + received) / 2, roundTripMs: received - sent };
		}
		this.offset = best.offsetMs;
		return best;
	}

	async add(url: string, sessionId: string, cookies: string[]): Promise<number> {
		return (await this.ask({ type: 'add', url, path: SESSION_SOCKET_PATH, sessionId, cookies }, 'added')).total;
	}

	/** Waits until no presence announcement has arrived for `ms`; what the viewers received since the last add. */
	async quiet(ms: number): Promise<{ events: number; entries: number; bytesPerEntry: number }> {
		return (await this.ask({ type: 'quiet', ms }, 'quiet')).presence;
	}

	/** Resolves once every viewer has the run's run:finished. */
	run(executionId: string, timeoutMs = 120_000): Promise<ViewerRun> {
		const known = this.runs.get(executionId);
		if (known) {
			this.runs.delete(executionId);
			return Promise.resolve(known);
		}
		return new Promise((resolveIt, reject) => {
			const timer = setTimeout(() => {
				this.runWaiters.delete(executionId);
				reject(this.failure ?? new Error(`the viewers did not all finish run ${executionId} within ${timeoutMs / 1000} s`));
			}, timeoutMs);
			this.runWaiters.set(executionId, (run) => (clearTimeout(timer), resolveIt(run)));
		});
	}

	async close(): Promise<void> {
		await Promise.race([this.ask({ type: 'close' }, 'closed'), new Promise((done) => setTimeout(done, 5000))]);
		await this.worker.terminate();
	}
}

/** The editor: one socket on this thread, replaced before it reaches the hub's per-socket event limit. */
class Editor {
	private socket: Client | null = null;
	private events = 0;

	constructor(
		private readonly url: string,
		private readonly cookie: string,
		private readonly sessionId: string
	) {}

	private async fresh(): Promise<Client> {
		if (this.socket && this.events < EDITOR_EVENTS) return this.socket;
		this.socket?.disconnect();
		const socket: Client = io(this.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: this.cookie } });
		await new Promise<void>((done, fail) => {
			socket.once('connect', () => done());
			socket.once('connect_error', fail);
		});
		const joined = await new Promise<any>((done, fail) => {
			const timer = setTimeout(() => fail(new Error('the editor did not join within 60 s')), 60_000);
			socket.emit('session:join', { sessionId: this.sessionId }, (result) => (clearTimeout(timer), done(result)));
		});
		if (!joined.ok) throw new Error(`the editor could not join: ${joined.error.message}`);
		this.socket = socket;
		this.events = 1;
		return socket;
	}

	/** Emits run:start; returns the time it was emitted and the run. */
	async start(request: Omit<StartRunRequest, 'sessionId'>): Promise<{ emittedAt: number; run: RunView }> {
		const socket = await this.fresh();
		this.events++;
		const payload = { ...request, sessionId: this.sessionId };
		let emittedAt = 0;
		const result = await new Promise<any>((done, fail) => {
			const timer = setTimeout(() => fail(new Error('run:start was not acknowledged within 60 s')), 60_000);
			emittedAt = performance.now();
			socket.emit('run:start', payload, (answer) => (clearTimeout(timer), done(answer)));
		});
		if (!result.ok) throw new Error(`run:start refused: ${result.error.code}: ${result.error.message}`);
		return { emittedAt, run: result.data.runs[0] };
	}

	close(): void {
		this.socket?.disconnect();
		this.socket = null;
	}
}

/** `n` viewers of the team's workspace, each with a session cookie: written in bulk (argon2 per sign-up would take minutes). */
async function bulkViewers(team: PromptTeam, n: number): Promise<string[]> {
	const db = await prisma();
	const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: team.viewer.user.id }, select: { passwordHash: true } });
	const tag = Date.now().toString(36).slice(-6);
	const users = await db.user.createManyAndReturn({
		data: Array.from({ length: n }, (_, i) => {
			const username = `bv${tag}x${i}`;
			return { username, usernameKey: username, passwordHash };
		}),
		select: { id: true }
	});
	await db.membership.createMany({ data: users.map(({ id }) => ({ workspaceId: team.workspaceId, userId: id, role: 'viewer' as const })) });
	const tokens = users.map(() => generateSessionToken());
	const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
	await db.session.createMany({ data: users.map(({ id }, i) => ({ id: sessionIdFromToken(tokens[i]!), userId: id, expiresAt })) });
	return tokens.map((token) => `${SESSION_COOKIE}=${token}`);
}

interface Studio {
	url: string;
	tgi: TgiServer;
	/** Resolves once the hub has no socket left and its last presence announcement has gone out. */
	drained(timeoutMs: number): Promise<void>;
	close(): Promise<void>;
}

async function startStudio(): Promise<Studio> {
	const tgi = await startTgiServer(TTFT_SCRIPT);
	configureGeneration({
		endpoints: { WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url, HF_TOKEN: undefined },
		idleTimeoutMs: 30_000,
		runsPerMinutePerUser: 1_000_000
	});
	const http: Server = createServer((_request, response) => response.writeHead(404).end());
	const hub = new GenerationHub(http);
	await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
	return {
		url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
		tgi,
		async drained(timeoutMs) {
			const deadline = performance.now() + timeoutMs;
			while (hub.metrics().connections > 0 && performance.now() < deadline) await new Promise((done) => setTimeout(done, 50));
			await new Promise((done) => setTimeout(done, 500)); // presence announcements wait 150 ms, then read and send
		},
		async close() {
			await hub.close();
			await closeGeneration();
			http.closeAllConnections();
			await new Promise((done) => http.close(done));
			await tgi.close();
		}
	};
}

interface TtftFigures {
	runs: number;
	viewer: number[];
	model: number[];
	added: number[];
	before: number[];
	after: number[];
	hits: number;
}

/** `runs` timed runs (one more first, untimed) of the given cache mode; first-token figures. */
async function firstTokens(studio: Studio, editor: Editor, viewers: Viewers, runs: number, cacheMode: 'never' | 'auto'): Promise<TtftFigures> {
	const figures: TtftFigures = { runs, viewer: [], model: [], added: [], before: [], after: [], hits: 0 };
	studio.tgi.script(TTFT_SCRIPT);
	const variables = { language: 'TypeScript', task: cacheMode === 'auto' ? 'a cached answer' : 'a fresh answer' };
	for (let i = 0; i <= runs; i++) {
		const requestsBefore = studio.tgi.requests.length;
		const { emittedAt, run } = await editor.start({ source: { kind: 'version', versionNumber: 1 }, variables, models: ['whiterabbitneo'], parameters: {}, cacheMode });
		const seen = await viewers.run(run.executionId);
		if (i === 0) {
			// The warm-up; for the cache, the answer is stored once its run has settled.
			await new Promise((done) => setTimeout(done, 100));
			continue;
		}
		const upstream: RecordedRequest | undefined = studio.tgi.requests[requestsBefore];
		if (cacheMode === 'auto') {
			if (upstream) continue; // not served from the cache: not a replay
			figures.hits++;
		} else if (!upstream?.firstTokenAt) throw new Error('a run reached no model server');
		const modelTtft = upstream ? upstream.firstTokenAt! - upstream.receivedAt : 0;
		if (upstream) {
			figures.model.push(modelTtft);
			figures.before.push(upstream.receivedAt - emittedAt);
		}
		for (const at of seen.first) {
			if (Number.isNaN(at)) throw new Error(`a viewer received no seq 1 of run ${run.executionId}`);
			figures.viewer.push(at - emittedAt);
			if (upstream) {
				figures.added.push(at - emittedAt - modelTtft);
				figures.after.push(at - upstream.firstTokenAt!);
			}
		}
	}
	return figures;
}

interface FanoutFigures {
	runs: number;
	/** Token events received by all viewers per second, first to last delivery of the run anywhere; per run. */
	total: number[];
	/** Each viewer's own rate (its 500 tokens, its first to its last); every viewer of every run. */
	perViewer: number[];
	/** First to last delivery anywhere, per run (ms). */
	spanMs: number[];
	/** The model server writing its 500 tokens (ms), per run. */
	upstreamMs: number[];
	missing: number;
	gaps: number;
}

async function fanOut(studio: Studio, editor: Editor, viewers: Viewers, runs: number): Promise<FanoutFigures> {
	const figures: FanoutFigures = { runs, total: [], perViewer: [], spanMs: [], upstreamMs: [], missing: 0, gaps: 0 };
	studio.tgi.script({ tokens: Array.from({ length: FANOUT_TOKENS }, (_, i) => ` w${i}`), delayMs: 0 });
	for (let i = 0; i < runs; i++) {
		const requestsBefore = studio.tgi.requests.length;
		const { run } = await editor.start({
			source: { kind: 'version', versionNumber: 1 },
			variables: { language: 'Go', task: 'a long answer' },
			models: ['whiterabbitneo'],
			parameters: { maxTokens: 1024 },
			cacheMode: 'never'
		});
		const seen = await viewers.run(run.executionId);
		const upstream = studio.tgi.requests[requestsBefore];
		if (upstream?.firstTokenAt && upstream.lastTokenAt) figures.upstreamMs.push(upstream.lastTokenAt - upstream.firstTokenAt);
		let firstAny = Infinity;
		let lastAny = -Infinity;
		let events = 0;
		for (let v = 0; v < seen.counts.length; v++) {
			const count = seen.counts[v]!;
			events += count;
			figures.missing += FANOUT_TOKENS - count;
			firstAny = Math.min(firstAny, seen.first[v]!);
			lastAny = Math.max(lastAny, seen.last[v]!);
			const own = seen.last[v]! - seen.first[v]!;
			if (own > 0) figures.perViewer.push(((count - 1) * 1000) / own);
		}
		figures.gaps += seen.gaps;
		figures.spanMs.push(lastAny - firstAny);
		figures.total.push((events * 1000) / (lastAny - firstAny));
		await new Promise((done) => setTimeout(done, 100)); // its token log and row are written
	}
	return figures;
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-').padStart(8);
const count = (value: number, width = 8) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-').padStart(width);

export async function runBench({ database, redis, root }: { database: string; redis: string; root: string }): Promise<void> {
	console.log('\nGeneration sessions: socket.io hub + generation engine in front of the TGI-protocol test server, one process');
	console.log(`database: ${database}`);
	console.log(`redis: ${redis}`);
	console.log(
		`node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}); studio, model server and editor on the main thread, viewers in one worker thread`
	);
	const started = performance.now();
	const studio = await startStudio();
	const viewers = new Viewers(resolve(root, 'bench/generation-viewers.mjs'));
	const editors: Editor[] = [];
	const joinRows: string[] = [];
	const ttftRows: string[] = [];
	const cacheRows: string[] = [];
	const fanRows: string[] = [];
	const notes: string[] = [];
	try {
		const clock = await viewers.calibrate();
		const team = await newPromptTeam();
		await updateDraft(team.promptId, (doc) => writeDraft(doc, CONTENT));
		await commitDraft(team.owner.member, team.promptSlug, 'First version');
		const { id: sessionId } = await openSession(team.owner.member, team.promptSlug, 'Bench');
		const cookies = await bulkViewers(team, Math.max(...VIEWER_COUNTS));
		console.log(`viewer clock calibrated to ±${(clock.roundTripMs / 2).toFixed(3)} ms (shortest ping round trip ${clock.roundTripMs.toFixed(3)} ms)`);

		let joined = 0;
		for (const n of VIEWER_COUNTS) {
			const before = joined;
			const joinStarted = performance.now();
			joined = await viewers.add(studio.url, sessionId, cookies.slice(joined, n));
			const joinedAt = performance.now();
			const presence = await viewers.quiet(400);
			const settledAt = performance.now() - 400;
			joinRows.push(
				`${count(before, 7)} -> ${count(n, 5)} ${ms((joinedAt - joinStarted) / 1000)} ${ms((settledAt - joinStarted) / 1000)} ${count(presence.events, 10)} ${count(presence.entries, 12)} ${ms((presence.entries * presence.bytesPerEntry) / 1e6)}`
			);

			const editor = new Editor(studio.url, team.editor.cookie, sessionId);
			editors.push(editor);
			const runs = n >= 1000 ? TTFT_RUNS_LARGE : TTFT_RUNS;
			const fresh = await firstTokens(studio, editor, viewers, runs, 'never');
			const cached = await firstTokens(studio, editor, viewers, runs, 'auto');
			const fan = await fanOut(studio, editor, viewers, n >= 1000 ? FANOUT_RUNS_LARGE : FANOUT_RUNS);
			editor.close();

			const v = sortNumbers(fresh.viewer);
			const m = sortNumbers(fresh.model);
			const a = sortNumbers(fresh.added);
			const b = sortNumbers(fresh.before);
			const f = sortNumbers(fresh.after);
			ttftRows.push(
				`${count(n, 7)} ${count(fresh.runs, 5)} ${count(v.length, 8)} ${ms(percentile(v, 50))} ${ms(percentile(v, 99))} ${ms(percentile(m, 50))} ${ms(percentile(m, 99))} ${ms(percentile(a, 50))} ${ms(percentile(a, 99))} ${ms(percentile(b, 50))} ${ms(percentile(b, 99))} ${ms(percentile(f, 50))} ${ms(percentile(f, 99))}`
			);
			const c = sortNumbers(cached.viewer);
			cacheRows.push(`${count(n, 7)} ${`${cached.hits}/${cached.runs}`.padStart(9)} ${count(c.length, 8)} ${ms(percentile(c, 50))} ${ms(percentile(c, 99))}`);
			fanRows.push(
				`${count(n, 7)} ${count(fan.runs, 5)} ${count(FANOUT_TOKENS * n, 10)} ${count(median(fan.total), 12)} ${count(median(fan.perViewer), 12)} ${count(percentile(sortNumbers(fan.perViewer), 1), 12)} ${ms(median(fan.spanMs))} ${ms(median(fan.upstreamMs))}`
			);
			if (fan.missing > 0 || fan.gaps > 0) notes.push(`${n} viewers: ${fan.missing} token events never arrived, ${fan.gaps} out of order`);
			console.log(`${n} viewer(s): measured in ${((performance.now() - joinStarted) / 1000).toFixed(1)} s`);
		}
	} finally {
		for (const editor of editors) editor.close();
		await viewers.close();
		// Every socket gone and the last presence announcement sent before the hub closes: with Redis,
		// a broadcast after the hub quit its clients is an unhandled rejection (see the report).
		await studio.drained(10_000);
		await studio.close();
		await flushDrafts();
		await closeRedis();
		await closeDatabase();
	}

	const joinHeader = `${'viewers'.padStart(16)} ${'joined s'.padStart(8)} ${'quiet s'.padStart(8)} ${'presences'.padStart(10)} ${'entries'.padStart(12)} ${'~MB'.padStart(8)}`;
	const ttftHeader = `${'viewers'.padStart(7)} ${'runs'.padStart(5)} ${'samples'.padStart(8)} ${'view p50'.padStart(8)} ${'view p99'.padStart(8)} ${'modl p50'.padStart(8)} ${'modl p99'.padStart(8)} ${'add p50'.padStart(8)} ${'add p99'.padStart(8)} ${'pre p50'.padStart(8)} ${'pre p99'.padStart(8)} ${'post p50'.padStart(8)} ${'post p99'.padStart(8)}`;
	const cacheHeader = `${'viewers'.padStart(7)} ${'hits/runs'.padStart(9)} ${'samples'.padStart(8)} ${'view p50'.padStart(8)} ${'view p99'.padStart(8)}`;
	const fanHeader = `${'viewers'.padStart(7)} ${'runs'.padStart(5)} ${'events/run'.padStart(10)} ${'all ev/s'.padStart(12)} ${'viewer ev/s'.padStart(12)} ${'slowest 1%'.padStart(12)} ${'span ms'.padStart(8)} ${'model ms'.padStart(8)}`;
	const table = (title: string, header: string, rows: string[]) => `\n${title}\n${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}`;
	console.log(table('Joining (viewers connect and session:join, 50 at a time)', joinHeader, joinRows));
	console.log('  joined s: until every new viewer had its join acknowledged; quiet s: until presence announcements stopped (400 ms without one)');
	console.log('  presences: session:presence events received by all viewers meanwhile; entries: participants listed in them; ~MB: their JSON, estimated');
	console.log(table(`Time to first token, ms (cache mode never: every run goes upstream; ${TTFT_SCRIPT.tokens!.length} tokens ${TTFT_SCRIPT.delayMs} ms apart)`, ttftHeader, ttftRows));
	console.log('  view: editor emits run:start -> a viewer receives seq 1 (one sample per viewer per run, after one untimed run)');
	console.log("  modl: the model server's own, its handler receiving the request -> writing the first token (one per run)");
	console.log('  add:  view - modl of that run: what the studio adds, = pre + post');
	console.log('  pre:  run:start emitted -> the request at the model server (socket, access checks, rows written, request sent; one per run)');
	console.log('  post: the model server writing the first token -> a viewer receiving seq 1 (stream parsed, bookkeeping, fan-out, delivery)');
	console.log(table('Cached replay, ms (mode auto, temperature 0, the same request answered before: model_cache, no upstream call)', cacheHeader, cacheRows));
	console.log('  view: editor emits run:start -> a viewer receives seq 1 of the replayed answer');
	console.log(table(`Fan-out of one run of ${FANOUT_TOKENS} tokens, no delay upstream (cache mode never)`, fanHeader, fanRows));
	console.log('  all ev/s:    token events received by all viewers together per second, first to last delivery of the run anywhere (median of runs)');
	console.log("  viewer ev/s: one viewer's token events per second, its own first to last (median of all viewers of all runs); slowest 1%: 1st percentile");
	console.log(`  span ms:     first to last delivery of the run anywhere; model ms: the model server writing its ${FANOUT_TOKENS} tokens (medians of runs)`);
	for (const note of notes) console.log(`  NOTE ${note}`);
	console.log(`generation bench: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
