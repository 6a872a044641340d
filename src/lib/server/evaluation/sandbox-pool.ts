// The sandbox's interpreters: a few worker threads, each holding CPython in WebAssembly
// (sandbox-worker.js), started when first needed and kept warm between samples. An interpreter
// serves one owner (one evaluation) only and is replaced when a sample changed it, when its sample
// ran past the deadline or over its memory (the thread is terminated), after many samples, or when
// it idles long or turns busy while idle. Waiting samples queue, up to a bound.
import { Worker } from 'node:worker_threads';
import { sandboxAssets } from './sandbox-assets';
import { allowedImports } from './sandbox-imports';
import harnessSource from './sandbox-harness.py?raw';
import workerSource from './sandbox-worker.js?raw';

export interface PoolLimits {
	timeoutMs: number;
	/** The interpreter's WebAssembly memory (Python's heap) may not grow past this. */
	memoryBytes: number;
	/** Characters of stderr kept per sample; bytes a sample may write into its files. */
	outputCapBytes: number;
	fsCapBytes: number;
}

export interface PoolResult {
	outcome: 'passed' | 'failed' | 'timeout' | 'error';
	detail: string;
	durationMs: number;
}

/** Modules HumanEval's problems import, loaded once per interpreter. */
const PRELOAD = ['math', 'hashlib', 're', 'itertools', 'collections', 'functools', 'heapq', 'bisect', 'string', 'random', 'statistics', 'fractions', 'decimal', 'typing', 'copy', 'operator', 'datetime', 'json'];
/** One JavaScript buffer a sample might make (through pyodide's bridges) may not be larger. */
const ALLOCATION_CAP_BYTES = 64 * 1024 * 1024;
/** Memory outside Python's heap an interpreter may hold (its files, JavaScript buffers). */
const EXTERNAL_ALLOWANCE_BYTES = 192 * 1024 * 1024;
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };
const BOOT_TIMEOUT_MS = 120_000;
const SAMPLES_PER_INTERPRETER = 500;
const IDLE_RETIRE_MS = 5 * 60_000;
/** Another owner may take an interpreter idle this long (its evaluation waits on its model meanwhile; one starts from the snapshot in well under a second). */
const RECLAIM_AFTER_IDLE_MS = 2_000;
const MEMORY_POLL_MS = 25;
const IDLE_CHECK_MS = 2_000;
const MAX_WAITING = 256;

/** How long the last interpreter took to start, by phase (ms since its thread began). */
let lastBoot: Record<string, number> | null = null;
export const lastBootPhases = () => lastBoot;

class Interpreter {
	worker: Worker | null = null;
	readonly ready: Promise<void>;
	state: 'starting' | 'idle' | 'busy' | 'gone' = 'starting';
	samples = 0;
	idleSince = performance.now();
	retireWhenIdle = false;
	/** A sample is waiting for this one to finish starting. */
	claimed = false;
	private utilization: ReturnType<Worker['performance']['eventLoopUtilization']> | null = null;

	/** The thread starts once `data` (the assets it is made from) is there. */
	constructor(
		readonly owner: string,
		readonly memoryBytes: number,
		data: Promise<Record<string, unknown>>,
		private onSnapshot: (bytes: Uint8Array) => void
	) {
		this.ready = data.then((workerData) => this.boot(workerData));
		this.ready.catch(() => this.kill());
	}

	private boot(workerData: Record<string, unknown>): Promise<void> {
		if (this.state === 'gone') throw new Error('the interpreter was retired while starting');
		const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`), {
			name: 'evaluation-sandbox',
			workerData,
			env: {},
			argv: [],
			execArgv: [],
			stdout: true,
			stderr: true,
			resourceLimits: RESOURCE_LIMITS
		});
		this.worker = worker;
		// Nothing in the realm writes to them; whatever comes is dropped, never echoed by the studio.
		worker.stdout.resume();
		worker.stderr.resume();
		worker.unref();
		worker.on('exit', () => (this.state = 'gone'));
		worker.on('error', () => {}); // reported through `exit`, to the boot or to the sample running
		return new Promise<void>((resolve, reject) => {
			const fail = (error: Error) => {
				clearTimeout(timer);
				reject(error);
			};
			const timer = setTimeout(() => fail(new Error(`the interpreter did not start within ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS);
			const booting = (message: { type: string; phases?: Record<string, number>; bytes?: Uint8Array }) => {
				if (message.type === 'snapshot' && message.bytes) return this.onSnapshot(message.bytes);
				worker.off('message', booting);
				clearTimeout(timer);
				if (message.type !== 'ready') return fail(new Error(`the interpreter said ${message.type} while starting`));
				lastBoot = message.phases ?? null;
				resolve();
			};
			worker.on('message', booting);
			worker.once('error', (error) => fail(error));
			worker.once('exit', (code) => fail(new Error(`the interpreter stopped while starting (exit ${code})`)));
		});
	}

	kill(): void {
		this.state = 'gone';
		void this.worker?.terminate();
	}

	/** Whether its thread kept busy since the last look although no sample was running. */
	busyWhileIdle(): boolean {
		if (!this.worker) return false;
		const now = this.worker.performance.eventLoopUtilization();
		const since = this.utilization ? this.worker.performance.eventLoopUtilization(now, this.utilization) : null;
		this.utilization = now;
		return since !== null && since.utilization > 0.5;
	}

	resetUtilization(): void {
		this.utilization = null;
	}
}

let sequence = 0;

export class SandboxPool {
	private interpreters = new Set<Interpreter>();
	/** Python's memory right after start (harness loaded), per memory cap: later interpreters start from it. */
	private snapshots = new Map<number, Uint8Array>();
	private waiting: { owner: string; memoryBytes: number; wake: () => void }[] = [];
	private idleTimer: NodeJS.Timeout | null = null;
	private closed = false;

	constructor(private size: () => number) {}

	/** Runs one program for `owner` (an evaluation's id): an interpreter never serves two owners. */
	async run(owner: string, program: string, limits: PoolLimits): Promise<PoolResult> {
		let interpreter: Interpreter;
		try {
			interpreter = await this.acquire(owner, limits.memoryBytes);
		} catch (error) {
			return { outcome: 'error', detail: `The sandbox could not run this sample: ${error instanceof Error ? error.message : String(error)}`, durationMs: 0 };
		}
		const { tainted, ...result } = await this.execute(interpreter, program, limits);
		this.release(interpreter, tainted);
		return result;
	}

	/** Starts an interpreter for `owner` ahead of its first sample, if the pool has room. */
	warm(owner: string, memoryBytes: number): void {
		if (this.closed || this.interpreters.size >= this.size()) return;
		void this.start(owner, memoryBytes).ready.then(
			() => this.settle(),
			() => {}
		);
	}

	/** The owner is done: its interpreters go (now, or when their sample ends). */
	forget(owner: string): void {
		for (const interpreter of this.interpreters) {
			if (interpreter.owner !== owner) continue;
			if (interpreter.state === 'busy') interpreter.retireWhenIdle = true;
			else this.retire(interpreter);
		}
		this.wakeWaiting();
	}

	close(): void {
		this.closed = true;
		for (const interpreter of this.interpreters) this.retire(interpreter);
		for (const waiter of this.waiting.splice(0)) waiter.wake();
		if (this.idleTimer) clearInterval(this.idleTimer);
	}

	/** How many interpreters there are, by state (tests, metrics). */
	census(): Record<Interpreter['state'], number> {
		const counts = { starting: 0, idle: 0, busy: 0, gone: 0 };
		for (const interpreter of this.interpreters) counts[interpreter.state]++;
		return counts;
	}

	private start(owner: string, memoryBytes: number): Interpreter {
		const data = sandboxAssets().then(async (assets) => {
			const wasmModule = await assets.module(memoryBytes);
			return {
				indexURL: assets.indexURL,
				wasmModule,
				stdlib: assets.stdlib,
				lockInfo: assets.lockInfo,
				harness: harnessSource,
				allocationCapBytes: ALLOCATION_CAP_BYTES,
				preload: PRELOAD,
				importsAllowed: allowedImports(wasmModule),
				snapshot: this.snapshots.get(memoryBytes) ?? null
			};
		});
		const interpreter = new Interpreter(owner, memoryBytes, data, (bytes) => {
			if (!this.snapshots.has(memoryBytes)) this.snapshots.set(memoryBytes, bytes);
		});
		this.interpreters.add(interpreter);
		interpreter.ready.catch(() => {
			this.interpreters.delete(interpreter);
			this.wakeWaiting();
		});
		return interpreter;
	}

	private async acquire(owner: string, memoryBytes: number): Promise<Interpreter> {
		for (;;) {
			if (this.closed) throw new Error('the sandbox is closed');
			const fits = (i: Interpreter) => i.owner === owner && i.memoryBytes === memoryBytes && !i.retireWhenIdle;
			const idle = [...this.interpreters].find((i) => i.state === 'idle' && fits(i));
			if (idle) {
				idle.state = 'busy';
				return idle;
			}
			const starting = [...this.interpreters].find((i) => i.state === 'starting' && fits(i) && !i.claimed);
			if (starting || this.interpreters.size < this.size()) {
				const interpreter = starting ?? this.start(owner, memoryBytes);
				interpreter.claimed = true;
				try {
					await interpreter.ready;
				} finally {
					interpreter.claimed = false;
				}
				if (interpreter.state === 'gone') throw new Error('the interpreter stopped while starting');
				interpreter.state = 'busy';
				return interpreter;
			}
			// Full: an idle interpreter of someone else makes room when its owner holds more than its
			// share (owners take turns without booting one per sample) or it has idled long.
			const victim = this.reclaimable(owner, memoryBytes);
			if (victim) {
				this.retire(victim);
				continue;
			}
			if (this.waiting.length >= MAX_WAITING) throw new Error('too many samples are waiting for the sandbox');
			await new Promise<void>((wake) => this.waiting.push({ owner, memoryBytes, wake }));
		}
	}

	/** An idle interpreter `owner` may retire to start its own, if any. */
	private reclaimable(owner: string, memoryBytes: number): Interpreter | undefined {
		const held = new Map<string, number>();
		for (const i of this.interpreters) held.set(i.owner, (held.get(i.owner) ?? 0) + 1);
		const owners = new Set([...held.keys(), ...this.waiting.map((w) => w.owner), owner]);
		const share = Math.max(1, Math.floor(this.size() / owners.size));
		const mine = held.get(owner) ?? 0;
		const now = performance.now();
		return [...this.interpreters].find((i) => {
			if (i.state !== 'idle') return false;
			// Its own, made for another memory limit (the settings changed): of no use to it any more.
			if (i.owner === owner) return i.memoryBytes !== memoryBytes;
			return (mine < share && held.get(i.owner)! > share) || now - i.idleSince > RECLAIM_AFTER_IDLE_MS;
		});
	}

	private release(interpreter: Interpreter, tainted: boolean): void {
		interpreter.samples++;
		if (interpreter.state === 'gone' || tainted || interpreter.retireWhenIdle || interpreter.samples >= SAMPLES_PER_INTERPRETER || this.closed) {
			this.retire(interpreter);
		} else {
			interpreter.state = 'idle';
			interpreter.idleSince = performance.now();
			interpreter.resetUtilization();
		}
		this.settle();
	}

	private retire(interpreter: Interpreter): void {
		interpreter.kill();
		this.interpreters.delete(interpreter);
		this.wakeWaiting();
	}

	/** After a change: wake a waiting sample, and watch idle interpreters while there are any. */
	private settle(): void {
		this.wakeWaiting();
		const anyIdle = [...this.interpreters].some((i) => i.state === 'idle');
		if (anyIdle && !this.idleTimer) {
			this.idleTimer = setInterval(() => this.checkIdle(), IDLE_CHECK_MS);
			this.idleTimer.unref();
		} else if (!anyIdle && this.idleTimer) {
			clearInterval(this.idleTimer);
			this.idleTimer = null;
		}
	}

	private wakeWaiting(): void {
		// Each waiter looks again for itself; the first that finds nothing waits again.
		for (const waiter of this.waiting.splice(0)) waiter.wake();
	}

	/** Idle interpreters that keep busy (something a sample left runs on) or idle long are retired. */
	private checkIdle(): void {
		const now = performance.now();
		for (const interpreter of this.interpreters) {
			if (interpreter.state !== 'idle') continue;
			if (interpreter.busyWhileIdle() || now - interpreter.idleSince > IDLE_RETIRE_MS) this.retire(interpreter);
		}
		this.settle();
	}

	private execute(interpreter: Interpreter, program: string, limits: PoolLimits): Promise<PoolResult & { tainted: boolean }> {
		const worker = interpreter.worker!;
		const id = ++sequence;
		const started = performance.now();
		const budget = Math.max(limits.memoryBytes, interpreter.memoryBytes) + EXTERNAL_ALLOWANCE_BYTES;
		return new Promise((resolve) => {
			let done = false;
			let polling = false;
			const finish = (outcome: PoolResult['outcome'], detail: string, tainted: boolean) => {
				if (done) return;
				done = true;
				clearTimeout(deadline);
				clearInterval(memoryWatch);
				worker.off('message', onMessage);
				worker.off('exit', onExit);
				resolve({ outcome, detail, tainted, durationMs: Math.round(performance.now() - started) });
			};
			const stop = (outcome: PoolResult['outcome'], detail: string) => {
				interpreter.kill();
				finish(outcome, detail, true);
			};
			const deadline = setTimeout(() => stop('timeout', `stopped after ${limits.timeoutMs} ms`), limits.timeoutMs);
			// JavaScript buffers live outside the thread's heap limit: watched here, the thread ended past the budget.
			const memoryWatch = setInterval(() => {
				if (polling) return;
				polling = true;
				worker
					.getHeapStatistics()
					.then((heap) => {
						if (heap.external_memory > budget) stop('failed', `MemoryError: the sample used over ${Math.round(budget / 2 ** 20)} MiB and was stopped`);
					})
					.catch(() => {})
					.finally(() => (polling = false));
			}, MEMORY_POLL_MS);
			const onMessage = (message: { type: string; id: number; outcome: 'passed' | 'failed'; detail: string; tainted: boolean }) => {
				if (message.type === 'result' && message.id === id) finish(message.outcome, message.detail, message.tainted);
			};
			const onExit = () => finish('failed', 'The interpreter stopped during the sample (out of memory or a fatal error).', true);
			worker.on('message', onMessage);
			worker.on('exit', onExit);
			worker.postMessage({ type: 'run', id, program, outputCapBytes: limits.outputCapBytes, fsCapBytes: limits.fsCapBytes });
		});
	}
}
