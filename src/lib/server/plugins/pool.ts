// The plugin worker threads: a few workers (worker.ts), each running one hook call at a time. A call
// gets its budget from the moment its worker starts it; past it, that worker is terminated (the
// only way to stop a `while (true) {}`) and a fresh one takes its place on demand. The server's
// thread only posts the call and reads the JSON answer, so no plugin can hold it.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HookCall, PluginRef, WorkerMessage } from './worker';
import type { HookName } from '$lib/plugins';

export type HookAnswer = { status: 'done'; json: string } | { status: 'failed'; message: string } | { status: 'timeout' };

export const POOL_LIMITS = {
	/** Workers at most (each runs one call at a time); from source each also holds a Vite server. */
	workers: Math.max(2, Math.min(4, availableParallelism())),
	workersFromSource: 2,
	/** Calls waiting for a worker at most; more are refused at once. */
	maxWaiting: 200,
	/** How long a call may wait for a worker, or for its worker to load the plugin, before it fails. */
	waitMs: 30_000,
	/** Heap of one worker, in MiB (from source a worker also holds Vite). */
	heapMb: 128,
	heapFromSourceMb: 1024
} as const;

interface Call {
	job: number;
	message: Omit<HookCall, 'job'>;
	budgetMs: number;
	/** Fails the call if no worker takes it in time; cleared once one does (its own timers take over). */
	waitTimer?: NodeJS.Timeout;
	settle(answer: HookAnswer): void;
}

class PooledWorker {
	readonly thread: Worker;
	call: Call | null = null;
	private timer: NodeJS.Timeout | undefined;
	private gone = false;

	constructor(
		url: URL,
		fromSource: boolean,
		private readonly done: (worker: PooledWorker, gone: boolean) => void
	) {
		// From source (tests, `vite dev`) the worker loads the plugins through Vite, from the checkout.
		const root = fromSource ? fileURLToPath(new URL('../../../../', url)).replace(/\/$/, '') : undefined;
		const vite = root ? pathToFileURL(createRequire(`${root}/package.json`).resolve('vite')).href : undefined;
		this.thread = new Worker(url, {
			workerData: { role: 'codetunestudio:plugin-worker', root, vite },
			resourceLimits: { maxOldGenerationSizeMb: fromSource ? POOL_LIMITS.heapFromSourceMb : POOL_LIMITS.heapMb },
			stdout: false,
			stderr: false
		});
		this.thread.unref();
		this.thread.on('message', (message: WorkerMessage) => this.received(message));
		this.thread.on('error', (error) => this.end({ status: 'failed', message: `the plugin worker failed: ${error.message}` }));
		this.thread.on('exit', () => this.end({ status: 'failed', message: 'the plugin worker stopped' }));
	}

	run(call: Call): void {
		this.call = call;
		// Until the worker says it started (its plugin loaded), a generous wait; then the hook's budget.
		this.arm(POOL_LIMITS.waitMs, { status: 'failed', message: 'the plugin worker did not start the call in time' });
		this.thread.postMessage({ job: call.job, ...call.message } satisfies HookCall);
	}

	private received(message: WorkerMessage): void {
		const call = this.call;
		if (!call || message.job !== call.job) return;
		if (message.type === 'started') return this.arm(call.budgetMs, { status: 'timeout' });
		clearTimeout(this.timer);
		this.call = null;
		call.settle(message.type === 'done' ? { status: 'done', json: message.json } : { status: 'failed', message: message.message });
		this.done(this, false);
	}

	private arm(ms: number, answer: HookAnswer): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.end(answer), ms);
	}

	/** Ends the worker, answering its call (if any) with `answer`. */
	private end(answer: HookAnswer): void {
		if (this.gone) return;
		this.gone = true;
		clearTimeout(this.timer);
		const call = this.call;
		this.call = null;
		call?.settle(answer);
		void this.thread.terminate();
		this.done(this, true);
	}
}

class PluginPool {
	private readonly workers = new Set<PooledWorker>();
	private readonly idle: PooledWorker[] = [];
	private readonly waiting: Call[] = [];
	private jobs = 0;
	private entry: Promise<{ url: URL; fromSource: boolean }> | undefined;

	/** Runs one hook in a worker. Never rejects: every way it can end is an answer. */
	run(plugin: PluginRef, hook: HookName, ctx: object, budgetMs: number): Promise<HookAnswer> {
		if (this.waiting.length >= POOL_LIMITS.maxWaiting) return Promise.resolve({ status: 'failed', message: 'the plugin workers are busy; try again' });
		return new Promise<HookAnswer>((resolve) => {
			let settled = false;
			const call: Call = {
				job: ++this.jobs,
				message: { plugin, hook, ctx },
				budgetMs,
				settle: (answer) => {
					if (settled) return;
					settled = true;
					clearTimeout(call.waitTimer);
					const queued = this.waiting.indexOf(call);
					if (queued >= 0) this.waiting.splice(queued, 1);
					resolve(answer);
				}
			};
			call.waitTimer = setTimeout(() => call.settle({ status: 'failed', message: 'no plugin worker was free in time' }), POOL_LIMITS.waitMs);
			this.waiting.push(call);
			void this.dispatch();
		});
	}

	private async dispatch(): Promise<void> {
		while (this.waiting.length > 0) {
			const worker = this.idle.pop() ?? (this.workers.size < POOL_LIMITS.workers ? await this.spawn() : null);
			if (!worker) return;
			const call = this.waiting.shift();
			if (!call) {
				this.idle.push(worker);
				return;
			}
			clearTimeout(call.waitTimer);
			worker.run(call);
		}
	}

	private async spawn(): Promise<PooledWorker | null> {
		try {
			// worker.ts as it runs here (a chunk of the build, or the source file) is what the worker runs.
			this.entry ??= import('./worker').then(({ PLUGIN_WORKER_URL }) => ({ url: new URL(PLUGIN_WORKER_URL), fromSource: PLUGIN_WORKER_URL.endsWith('.ts') }));
			const { url, fromSource } = await this.entry;
			if (this.workers.size >= (fromSource ? POOL_LIMITS.workersFromSource : POOL_LIMITS.workers)) return null;
			const worker = new PooledWorker(url, fromSource, (done, gone) => this.returned(done, gone));
			this.workers.add(worker);
			return worker;
		} catch (error) {
			this.entry = undefined;
			for (const call of this.waiting.splice(0)) call.settle({ status: 'failed', message: `no plugin worker could start: ${(error as Error).message}` });
			return null;
		}
	}

	private returned(worker: PooledWorker, gone: boolean): void {
		const index = this.idle.indexOf(worker);
		if (index >= 0) this.idle.splice(index, 1);
		if (gone) this.workers.delete(worker);
		else this.idle.push(worker);
		void this.dispatch();
	}
}

/** The process's plugin workers (one pool: workers are started on demand and do not hold the process open). */
export const pluginPool = new PluginPool();
