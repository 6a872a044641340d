// The load bench (`npm run bench`, last part; issue 8): many people at once on production studios,
// `node server.js` processes beside this one, first one instance, then three sharing Redis.
//   editors: lightweight y-websocket clients (bench/load-editors.mjs), `editors / prompts` on each
//     prompt, each appending a stamped marker every 1-2 s; edit latency = from the edit being made
//     to each other editor of that prompt applying it. With three instances, the editors of one
//     prompt are spread over all three, so every edit crosses Redis to reach some of them.
//   viewers: socket.io clients (bench/load-viewers.mjs) joined to sessions; runs stream in a
//     handful of them from a model endpoint that stamps each token with the moment it wrote it
//     (bench/load-model.mjs); fan-out added latency = a viewer's receive time minus that stamp.
//   memory: the studio processes' resident memory (VmRSS) idle, after the viewers joined, after one
//     editor per prompt per instance (documents loaded), after the rest (connections only).
//   errors: every failed connection, refusal, unasked close, missing edit or token; must be zero.
// The same editor load runs against y-websocket 2.1's reference server (in memory, no auth).
// Clients and servers share this machine: see the CPU line of each table.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { closeDatabase } from '$lib/server/db';
import { flushDrafts } from '$lib/server/drafts';
import { startStampingModel } from './load-model.mjs';
import { cpuBetween, cpuByProcess, cpuSeconds, machineCpu, rssBytes, startReference, startStudio, studioLoopDelay } from './load-processes.mjs';
import { buildStage, bulkPeople, Runner, RUN_EVERY_MS, type People } from './load-stage';

export interface LoadOptions {
	root: string;
	/** A copy of server.js and the build, taken when the bench began (a rebuild meanwhile does not reach the studios). */
	serverDir: string;
	database: string;
	redis: { url: string; prefix: string; description: string } | null;
	editors: number;
	prompts: number;
	viewers: number;
	seconds: number;
	/** Instance counts to measure, in order (the issue's: 1, then 3). */
	instances: number[];
	/** Sessions the viewers are spread over, and how many of them have runs streaming. */
	viewerSessions: number;
	runSessions: number;
	/** Worker threads the editors are split over. */
	editorThreads: number;
	/** Whether the one-instance studio gets Redis too (by default it runs without, as a single studio may). */
	redisForOne: boolean;
	reference: boolean;
}

/** Edits come every 1-2 s from each editor. */
const EDIT_GAP_MS = [1000, 2000] as const;
/** Each run: 50 tokens 25 ms apart (40 tokens/s, a fast real model). */
const RUN_TOKENS = 50;
const TOKEN_DELAY_MS = 25;
/** After the window: time for the last edits and tokens to arrive before anything counts as missing. */
const DRAIN_MS = 5000;
/** Time for memory to settle before each reading. */
const SETTLE_MS = 2000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const micros = () => Number(process.hrtime.bigint() / 1000n);

/** A worker thread of clients, asked one thing at a time. */
class ClientThread {
	private readonly worker: Worker;
	private waiting: { answer: string; resolve: (message: any) => void; reject: (error: Error) => void } | null = null;

	constructor(file: string) {
		this.worker = new Worker(file);
		this.worker.on('message', (message) => {
			const waiting = this.waiting;
			if (!waiting) return;
			this.waiting = null;
			if (message.type === waiting.answer) waiting.resolve(message);
			else waiting.reject(new Error(`${file}: ${message.type === 'error' ? message.message : `answered ${message.type}, not ${waiting.answer}`}`));
		});
		this.worker.on('error', (error) => this.waiting?.reject(error));
	}

	ask(message: { type: string; [field: string]: unknown }, answer: string): Promise<any> {
		return new Promise((resolveIt, reject) => {
			this.waiting = { answer, resolve: resolveIt, reject };
			this.worker.postMessage(message);
		});
	}

	async close(): Promise<void> {
		await Promise.race([this.ask({ type: 'close' }, 'closed'), sleep(5000)]);
		await this.worker.terminate();
	}
}


/** The editors, split over `count` worker threads (editor i in thread i % count), asked as one. */
class EditorThreads {
	private readonly threads: ClientThread[];

	constructor(file: string, count: number) {
		this.threads = Array.from({ length: Math.max(1, count) }, () => new ClientThread(file));
	}

	private share<T extends { index: number }>(clients: T[], thread: number): T[] {
		return clients.filter(({ index }) => index % this.threads.length === thread);
	}

	async connect(clients: Array<{ index: number; url: string; cookie: string | null }>): Promise<{ connected: number; failed: number }> {
		const answers = await Promise.all(this.threads.map((thread, t) => thread.ask({ type: 'connect', clients: this.share(clients, t) }, 'connected')));
		return { connected: answers.reduce((sum, a) => sum + a.connected, 0), failed: answers.reduce((sum, a) => sum + a.failed, 0) };
	}

	async edit(message: { startAt: number; ms: number; minGapMs: number; maxGapMs: number }): Promise<{ perEditor: Array<{ index: number; edits: number }> }> {
		const answers = await Promise.all(this.threads.map((thread) => thread.ask({ type: 'edit', ...message }, 'edited')));
		return { perEditor: answers.flatMap((a) => a.perEditor) };
	}

	async report() {
		const answers = await Promise.all(this.threads.map((thread) => thread.ask({ type: 'report' }, 'report')));
		const latencies = new Float64Array(answers.reduce((sum, a) => sum + a.latencies.length, 0));
		let at = 0;
		for (const a of answers) (latencies.set(a.latencies, at), (at += a.latencies.length));
		return {
			latencies,
			open: answers.reduce((sum, a) => sum + a.open, 0) as number,
			errors: {
				connect: answers.flatMap((a) => a.errors.connect) as string[],
				closes: answers.flatMap((a) => a.errors.closes) as string[],
				refused: answers.reduce((sum, a) => sum + a.errors.refused, 0) as number
			},
			loop: { p99: Math.max(...answers.map((a) => a.loop.p99)), max: Math.max(...answers.map((a) => a.loop.max)) }
		};
	}

	async close(): Promise<void> {
		await Promise.all(this.threads.map((thread) => thread.close()));
	}
}

interface ServerProcess {
	readonly pid: number | undefined;
	httpUrl?: string;
	label: string;
	readonly errorLines: number;
	output(): string;
	stop(): Promise<unknown>;
}

/** The bench database's name: its postgres backends carry it in their command line. */
const databaseName = () => (process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).pathname.slice(1) : undefined);

const totalRss = (servers: ServerProcess[]) => servers.reduce((sum, server) => sum + rssBytes(server.pid!), 0);

function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Figures {
	label: string;
	editors: number;
	prompts: number;
	viewers: number;
	edit: { p50: number; p99: number; max: number; samples: number; expected: number; editsPerSecond: number };
	fanout: { p50: number; p99: number; max: number; samples: number; expected: number; runs: number } | null;
	memory: { idleMb: number; perSocketIoKb: number | null; perYjsConnectionKb: number; perDocumentKb: number; peakMb: number };
	cpu: { servers: number; generator: number; postgres: number; redis: number; machineBusy: number; machineTotal: number; seconds: number };
	/** Event-loop delay during the window, ms: the worst studio's, the editors' thread's, the viewers' thread's. */
	loop: { serverP99: number; serverMax: number; editorsP99: number; editorsMax: number; viewersP99: number; viewersMax: number };
	errors: string[];
}

/** Who edits which prompt on which server: editor j of prompt p connects to server (p + j) % n. */
function editorPlan(options: LoadOptions, serverCount: number, urlOf: (server: number, prompt: number) => string, cookies: Array<string | null>) {
	const perPrompt = Math.max(1, Math.floor(options.editors / options.prompts));
	const first: Array<{ index: number; url: string; cookie: string | null }> = [];
	const rest: typeof first = [];
	const promptOf: number[] = [];
	let index = 0;
	for (let p = 0; p < options.prompts; p++) {
		for (let j = 0; j < perPrompt && index < options.editors; j++, index++) {
			promptOf[index] = p;
			const client = { index, url: urlOf((p + j) % serverCount, p), cookie: cookies[index] ?? null };
			// The first editor on each server loads the document there.
			(j < serverCount ? first : rest).push(client);
		}
	}
	return { first, rest, promptOf };
}

async function measure(
	label: string,
	servers: ServerProcess[],
	options: LoadOptions,
	plan: ReturnType<typeof editorPlan>,
	viewersSetup: { clients: Array<{ url: string; cookie: string; sessionId: string }>; runners: Runner[] } | null
): Promise<Figures> {
	const errors: string[] = [];
	const editorThreads = new EditorThreads(resolve(options.root, 'bench/load-editors.mjs'), options.editorThreads);
	const viewerThread = viewersSetup ? new ClientThread(resolve(options.root, 'bench/load-viewers.mjs')) : null;
	try {
		await sleep(SETTLE_MS);
		const idle = totalRss(servers);
		let afterViewers = idle;
		if (viewerThread && viewersSetup) {
			const started = performance.now();
			const joined = await viewerThread.ask({ type: 'connect', clients: viewersSetup.clients, path: SESSION_SOCKET_PATH }, 'connected');
			if (joined.failed) errors.push(`${joined.failed} viewers could not connect or join`);
			console.log(`  ${label}: ${joined.connected} viewers joined in ${((performance.now() - started) / 1000).toFixed(1)} s`);
			await sleep(SETTLE_MS);
			afterViewers = totalRss(servers);
			for (const runner of viewersSetup.runners) await runner.join();
		}
		let started = performance.now();
		const a = await editorThreads.connect(plan.first);
		console.log(`  ${label}: ${a.connected} editors (documents loaded by the first on each server) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
		await sleep(SETTLE_MS);
		const afterDocuments = totalRss(servers);
		started = performance.now();
		const b = await editorThreads.connect(plan.rest);
		console.log(`  ${label}: ${b.connected} editors in all after ${((performance.now() - started) / 1000).toFixed(1)} s more`);
		const editors = b.connected; // the thread's count of connected editors, all of them
		if (a.failed + b.failed) errors.push(`${a.failed + b.failed} editors could not connect or sync`);
		await sleep(SETTLE_MS);
		const afterEditors = totalRss(servers);

		if (viewerThread) await viewerThread.ask({ type: 'reset' }, 'reset');
		await Promise.all(servers.map((server) => (server.httpUrl ? studioLoopDelay(server.httpUrl) : null)));
		const cpuBefore = {
			at: performance.now(),
			machine: machineCpu(),
			servers: servers.reduce((sum, server) => sum + cpuSeconds(server.pid!), 0),
			generator: process.cpuUsage(),
			postgres: cpuByProcess('postgres', databaseName()),
			redis: cpuByProcess('redis-server')
		};
		const startAt = micros() + 500_000;
		const until = startAt + options.seconds * 1e6;
		let peak = 0;
		const sampler = setInterval(() => (peak = Math.max(peak, totalRss(servers))), 1000);
		const [edited] = await Promise.all([
			editorThreads.edit({ startAt, ms: options.seconds * 1000, minGapMs: EDIT_GAP_MS[0], maxGapMs: EDIT_GAP_MS[1] }),
			...(viewersSetup?.runners ?? []).map((runner) => runner.loop(startAt, until))
		]);
		await sleep(DRAIN_MS);
		clearInterval(sampler);
		const generatorCpu = process.cpuUsage(cpuBefore.generator);
		const machine = machineCpu();
		const serverLoops = (await Promise.all(servers.map((server) => (server.httpUrl ? studioLoopDelay(server.httpUrl) : null)))).filter((loop) => loop !== null);
		const cpu = {
			machineBusy: machine.busy - cpuBefore.machine.busy,
			machineTotal: machine.total - cpuBefore.machine.total,
			seconds: (performance.now() - cpuBefore.at) / 1000,
			servers: servers.reduce((sum, server) => sum + cpuSeconds(server.pid!), 0) - cpuBefore.servers,
			generator: (generatorCpu.user + generatorCpu.system) / 1e6,
			postgres: cpuBetween(cpuBefore.postgres, cpuByProcess('postgres', databaseName())),
			redis: cpuBetween(cpuBefore.redis, cpuByProcess('redis-server'))
		};

		// Edits: each should reach every other editor of its prompt that is connected.
		const connectedPerPrompt = new Map<number, number>();
		for (const { index } of edited.perEditor as Array<{ index: number }>) {
			const p = plan.promptOf[index]!;
			connectedPerPrompt.set(p, (connectedPerPrompt.get(p) ?? 0) + 1);
		}
		let expected = 0;
		let sent = 0;
		for (const { index, edits } of edited.perEditor as Array<{ index: number; edits: number }>) {
			expected += edits * ((connectedPerPrompt.get(plan.promptOf[index]!) ?? 1) - 1);
			sent += edits;
		}
		const editReport = await editorThreads.report();
		const editLatencies = (editReport.latencies as Float64Array).sort();
		if (editLatencies.length < expected) errors.push(`${expected - editLatencies.length} of ${expected} edit deliveries never arrived`);
		if (editLatencies.length > expected) errors.push(`${editLatencies.length - expected} edit deliveries more than expected`);
		if (editReport.errors.closes.length) errors.push(`${editReport.errors.closes.length} editor sockets closed by the server: ${[...new Set(editReport.errors.closes.map((c: string) => c.replace(/^editor \d+: /, '')))].join('; ')}`);
		if (editReport.errors.refused) errors.push(`${editReport.errors.refused} editor messages of an unknown type`);
		for (const reason of new Set<string>(editReport.errors.connect)) errors.push(`editor connect: ${reason}`);
		if (editReport.open < editors) errors.push(`${editors - editReport.open} editor sockets not open at the end`);

		const loop = {
			serverP99: NaN,
			serverMax: NaN,
			editorsP99: editReport.loop.p99 as number,
			editorsMax: editReport.loop.max as number,
			viewersP99: NaN,
			viewersMax: NaN
		};
		if (serverLoops.length) {
			loop.serverP99 = Math.max(...serverLoops.map((l) => l.p99));
			loop.serverMax = Math.max(...serverLoops.map((l) => l.max));
		}
		let fanout: Figures['fanout'] = null;
		if (viewerThread && viewersSetup) {
			const runs = viewersSetup.runners.flatMap((runner) => runner.runs);
			for (const runner of viewersSetup.runners) errors.push(...runner.problems);
			const viewerReport = await viewerThread.ask({ type: 'report', runs }, 'report');
			const tokenLatencies = (viewerReport.latencies as Float64Array).sort();
			loop.viewersP99 = viewerReport.loop.p99;
			loop.viewersMax = viewerReport.loop.max;
			if (viewerReport.received < viewerReport.expected) errors.push(`${viewerReport.expected - viewerReport.received} of ${viewerReport.expected} token deliveries never arrived`);
			if (viewerReport.errors.outOfOrder) errors.push(`${viewerReport.errors.outOfOrder} tokens out of order`);
			if (viewerReport.errors.disconnects.length) errors.push(`${viewerReport.errors.disconnects.length} viewers disconnected: ${[...new Set(viewerReport.errors.disconnects)].join('; ')}`);
			if (viewerReport.errors.refusals.length) errors.push(`${viewerReport.errors.refusals.length} refusals: ${[...new Set(viewerReport.errors.refusals)].join('; ')}`);
			for (const reason of new Set<string>(viewerReport.errors.connect)) errors.push(`viewer connect: ${reason}`);
			if (runs.length === 0 && viewersSetup.runners.length > 0) errors.push('no run finished');
			fanout = {
				p50: percentile(tokenLatencies, 50),
				p99: percentile(tokenLatencies, 99),
				max: percentile(tokenLatencies, 100),
				samples: tokenLatencies.length,
				expected: viewerReport.expected,
				runs: runs.length
			};
		}
		for (const server of servers) if (server.errorLines) errors.push(`${server.label} logged ${server.errorLines} error lines; last output:\n${server.output().split('\n').slice(-5).join('\n')}`);

		const yjsConnections = editors - a.connected;
		const perYjsConnection = yjsConnections > 0 ? (afterEditors - afterDocuments) / yjsConnections : NaN;
		const documents = a.connected;
		return {
			label,
			editors,
			prompts: options.prompts,
			viewers: viewersSetup?.clients.length ?? 0,
			edit: {
				p50: percentile(editLatencies, 50),
				p99: percentile(editLatencies, 99),
				max: percentile(editLatencies, 100),
				samples: editLatencies.length,
				expected,
				editsPerSecond: sent / options.seconds
			},
			fanout,
			memory: {
				idleMb: idle / 2 ** 20,
				perSocketIoKb: viewersSetup ? (afterViewers - idle) / viewersSetup.clients.length / 1024 : null,
				perYjsConnectionKb: perYjsConnection / 1024,
				perDocumentKb: (afterDocuments - afterViewers - documents * perYjsConnection) / documents / 1024,
				peakMb: Math.max(peak, afterEditors) / 2 ** 20
			},
			cpu,
			loop,
			errors
		};
	} finally {
		for (const runner of viewersSetup?.runners ?? []) runner.close();
		await editorThreads.close();
		await viewerThread?.close();
	}
}

async function measureStudios(instances: number, people: People, options: LoadOptions, modelUrl: string): Promise<Figures> {
	const label = instances === 1 ? '1 studio' : `${instances} studios`;
	const stage = await buildStage(label, people, options);
	const useRedis = instances > 1 || options.redisForOne;
	if (useRedis && !options.redis) throw new Error(`${label} need Redis, and none answered`);
	const env: Record<string, string | undefined> = {
		DATABASE_URL: process.env.DATABASE_URL,
		DATA_DIR: process.env.DATA_DIR,
		WHITERABBITNEO_ENDPOINT_URL: modelUrl,
		CODET5P_ENDPOINT_URL: modelUrl,
		EMBEDDED_MODEL: 'off',
		REDIS_URL: useRedis ? options.redis!.url : '',
		REDIS_PREFIX: useRedis ? options.redis!.prefix : undefined
	};
	const servers = await Promise.all(Array.from({ length: instances }, (_, i) => startStudio(options.root, options.serverDir, `studio ${i + 1}`, env)));
	try {
		const plan = editorPlan(options, instances, (server, prompt) => servers[server]!.yjsUrl(stage.promptIds[prompt]!), people.editorCookies);
		const clients = people.viewerCookies.slice(0, options.viewers).map((cookie, i) => ({
			url: servers[i % instances]!.httpUrl,
			cookie,
			sessionId: stage.viewerSessionIds[i % stage.viewerSessionIds.length]!
		}));
		// Each runner on the next server: its tokens reach most of its viewers through Redis.
		const runners = stage.runners.map(({ sessionId, cookie }, s) => new Runner(servers[s % instances]!.httpUrl, cookie, sessionId));
		const figures = await measure(label, servers, options, plan, { clients, runners });
		return { ...figures, label: `${label}${useRedis ? ', Redis' : ', no Redis'}` };
	} finally {
		await Promise.all(servers.map((server) => server.stop()));
	}
}

async function measureReference(options: LoadOptions): Promise<Figures> {
	const reference = await startReference(options.root);
	try {
		const run = Date.now().toString(36);
		const plan = editorPlan(options, 1, (_, prompt) => reference.yjsUrl(`load-${run}-${prompt}`), []);
		return await measure('y-websocket reference', [reference], options, plan, null);
	} finally {
		await reference.stop();
	}
}

const num = (value: number | null | undefined, digits = 1, width = 10) => (value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits)).padStart(width);

function printTable(all: Figures[]): void {
	const width = 26;
	const row = (name: string, values: string[]) => `${name.padEnd(34)}${values.map((v) => v.padStart(width)).join('')}`;
	const lines = [
		row('', all.map((f) => f.label)),
		row('editors / prompts / viewers', all.map((f) => `${f.editors} / ${f.prompts} / ${f.viewers}`)),
		row('edits per second (all editors)', all.map((f) => num(f.edit.editsPerSecond, 0))),
		row('edit latency p50 ms', all.map((f) => num(f.edit.p50, 1))),
		row('edit latency p99 ms', all.map((f) => num(f.edit.p99, 1))),
		row('edit latency max ms', all.map((f) => num(f.edit.max, 1))),
		row('edit deliveries (seen/expected)', all.map((f) => `${f.edit.samples}/${f.edit.expected}`)),
		row('token fan-out added p50 ms', all.map((f) => num(f.fanout?.p50, 1))),
		row('token fan-out added p99 ms', all.map((f) => num(f.fanout?.p99, 1))),
		row('token fan-out added max ms', all.map((f) => num(f.fanout?.max, 1))),
		row('token deliveries (seen/expected)', all.map((f) => (f.fanout ? `${f.fanout.samples}/${f.fanout.expected}` : '-'))),
		row('runs streamed', all.map((f) => (f.fanout ? String(f.fanout.runs) : '-'))),
		row('server RSS idle MB (all)', all.map((f) => num(f.memory.idleMb, 0))),
		row('server RSS peak MB (all)', all.map((f) => num(f.memory.peakMb, 0))),
		row('per socket.io viewer KB', all.map((f) => num(f.memory.perSocketIoKb, 1))),
		row('per Yjs connection KB', all.map((f) => num(f.memory.perYjsConnectionKb, 1))),
		row('per loaded document KB', all.map((f) => num(f.memory.perDocumentKb, 1))),
		row('CPU s: servers (all)', all.map((f) => num(f.cpu.servers, 1))),
		row('CPU s: load generator', all.map((f) => num(f.cpu.generator, 1))),
		row('CPU s: postgres (bench backends)', all.map((f) => num(f.cpu.postgres, 1))),
		row('CPU s: redis-server', all.map((f) => num(f.cpu.redis, 1))),
		row('CPU s: whole machine busy', all.map((f) => `${num(f.cpu.machineBusy, 1, 0)} of ${num(f.cpu.machineTotal, 0, 0)}`)),
		row('CPU s: other work on the machine', all.map((f) => num(f.cpu.machineBusy - f.cpu.servers - f.cpu.generator - f.cpu.postgres - f.cpu.redis, 1))),
		row('event-loop delay p99/max ms: server', all.map((f) => `${num(f.loop.serverP99, 0, 0)} / ${num(f.loop.serverMax, 0, 0)}`)),
		row('  editors threads (worst)', all.map((f) => `${num(f.loop.editorsP99, 0, 0)} / ${num(f.loop.editorsMax, 0, 0)}`)),
		row('  viewers thread', all.map((f) => `${num(f.loop.viewersP99, 0, 0)} / ${num(f.loop.viewersMax, 0, 0)}`)),
		row('errors', all.map((f) => String(f.errors.length)))
	];
	console.log(`\n${lines[0]}\n${'-'.repeat(lines[0]!.length)}\n${lines.slice(1).join('\n')}`);
	console.log(`  CPU: seconds used from the window's start to the end of its drain (${all.map((f) => f.cpu.seconds.toFixed(0)).join(' / ')} s, ${cpus().length} CPUs); postgres: the backends of the bench database; redis-server: the machine's one (other tests' use counts too)`);
	console.log('  edit latency: an editor makes an edit -> each other editor of that prompt has applied it (clocks: one monotonic clock, process.hrtime)');
	console.log('  token fan-out added: the model endpoint writes a token -> a viewer receives it (stream parsing, bookkeeping, hub, Redis, socket)');
	console.log("  event-loop delay: the worst studio's (prom-client on GET /metrics), the load generator's threads'; the reference server has no metrics");
	console.log('  memory: VmRSS deltas: viewers joined / editors after the first per prompt per server / first editors minus their connections');
	for (const figures of all) {
		for (const error of figures.errors) console.log(`  ERROR (${figures.label}): ${error}`);
	}
	if (all.every((figures) => figures.errors.length === 0)) console.log('  errors: none');
}

export async function runBench(options: LoadOptions): Promise<void> {
	console.log('\nLoad: production studios (node server.js) under many editors and session viewers; y-websocket 2.1 reference server under the same editors');
	console.log(`database: ${options.database}`);
	console.log(`redis: ${options.redis?.description ?? 'none'}`);
	console.log(
		`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}); load generator = this process (editors in ${options.editorThreads} worker thread(s), viewers in another, runners and model endpoint on the main thread)`
	);
	console.log(
		`editors ${options.editors} over ${options.prompts} prompts, one edit each every ${EDIT_GAP_MS[0] / 1000}-${EDIT_GAP_MS[1] / 1000} s for ${options.seconds} s; viewers ${options.viewers} over ${Math.min(options.viewerSessions, options.prompts)} sessions, runs streaming in ${options.runSessions} of them (${RUN_TOKENS} tokens ${TOKEN_DELAY_MS} ms apart, one every ${RUN_EVERY_MS / 1000} s each)`
	);
	const started = performance.now();
	const model = await startStampingModel({ tokens: RUN_TOKENS, delayMs: TOKEN_DELAY_MS });
	const all: Figures[] = [];
	try {
		const people = await bulkPeople(options.editors, options.viewers);
		for (const instances of options.instances) {
			console.log(`measuring ${instances} studio instance(s)...`);
			all.push(await measureStudios(instances, people, options, model.url));
		}
		if (options.reference) {
			console.log('measuring the y-websocket reference server...');
			all.push(await measureReference(options));
		}
	} finally {
		await model.close();
		await flushDrafts();
		await closeDatabase();
	}
	printTable(all);
	console.log(`load bench: ${((performance.now() - started) / 1000).toFixed(1)} s`);
	const errors = all.reduce((sum, figures) => sum + figures.errors.length, 0);
	if (errors > 0) throw new Error(`load bench: ${errors} kinds of error (listed above); there must be none`);
}
