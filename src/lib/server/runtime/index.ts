// The studio's process state has one owner: this runtime. It holds every part's live state (the
// database handle, Redis clients, the cluster bus, drafts, active runs, limiters, metrics, settings)
// as named slots that each domain fills on first use, and it knows whether the studio is started and
// how to stop it. It sits on globalThis under one key because Vite may load server code twice in one
// process and realtime/ is mounted from outside SvelteKit's module graph: every copy must find the
// same state. It imports no domain; src/lib/server/lifecycle.ts says what starting and stopping do.
import type { Server as HttpServer } from 'node:http';

/** What the process that serves the studio hands it before it starts (server.js, or Vite's dev server). */
export interface RuntimeHost {
	/** The HTTP server realtime/ is mounted on, when there is one. */
	httpServer?: HttpServer;
}

export type RuntimeState = 'stopped' | 'starting' | 'started' | 'stopping';

/** Starts the studio's parts and answers how to stop them. */
export type StartSequence = () => Promise<() => Promise<void>>;

export interface Runtime {
	readonly host: RuntimeHost;
	readonly state: RuntimeState;
	/**
	 * Runs `sequence` unless the studio is started or starting already (Vite runs `init` again after a
	 * reload): every caller waits for the one start. A failed start leaves the studio stopped.
	 */
	start(sequence: StartSequence): Promise<void>;
	/** Runs the stop the start answered, then forgets every slot: a later start begins afresh. */
	stop(): Promise<void>;
	/** The slots by name (use `slot()`; the map is shared by every copy of this module). */
	readonly slots: Map<string, unknown>;
}

class StudioRuntime implements Runtime {
	readonly slots = new Map<string, unknown>();
	state: RuntimeState = 'stopped';
	private starting: Promise<void> | null = null;
	private stopping: Promise<void> | null = null;
	private stopSequence: (() => Promise<void>) | null = null;

	constructor(readonly host: RuntimeHost) {}

	start(sequence: StartSequence): Promise<void> {
		if (this.starting) return this.starting;
		const started: Promise<void> = this.begin(sequence, this.stopping).catch((error: unknown) => {
			if (this.starting === started) this.starting = null;
			throw error;
		});
		this.starting = started;
		return started;
	}

	private async begin(sequence: StartSequence, stopping: Promise<void> | null): Promise<void> {
		await stopping; // a start during a stop begins once the stop is over
		this.state = 'starting';
		try {
			this.stopSequence = await sequence();
			this.state = 'started';
		} catch (error) {
			this.state = 'stopped';
			throw error;
		}
	}

	stop(): Promise<void> {
		if (this.stopping) return this.stopping;
		const starting = this.starting;
		if (!starting) return Promise.resolve();
		this.starting = null;
		const stopped: Promise<void> = (async () => {
			// A stop during the start waits for it: the parts it opened are closed too.
			await starting.catch(() => undefined);
			this.state = 'stopping';
			const sequence = this.stopSequence;
			this.stopSequence = null;
			try {
				await sequence?.();
			} finally {
				this.slots.clear();
				this.stopping = null;
				this.state = 'stopped';
			}
		})();
		this.stopping = stopped;
		return stopped;
	}
}

const RUNTIME = Symbol.for('codetunestudio.runtime');
type Found = Runtime | { host?: RuntimeHost } | undefined;
const globals = globalThis as Record<symbol, Found>;

const isRuntime = (found: Found): found is Runtime => typeof (found as Runtime | undefined)?.start === 'function';

/**
 * The process's runtime, made on first use. server.js may have put `{ host: { httpServer } }`
 * under the key before the app was loaded: the runtime keeps that host.
 */
export function runtime(): Runtime {
	const found = globals[RUNTIME];
	if (isRuntime(found)) return found;
	const created = new StudioRuntime(found?.host ?? {});
	globals[RUNTIME] = created;
	return created;
}

/** One named piece of process state, made by `create` on first use and forgotten when the studio stops. */
export interface Slot<T> {
	/** The value, made now if there is none. */
	(): T;
	/** The value if it was made; makes nothing. */
	peek(): T | undefined;
	set(value: T): void;
	/** Forgets the value: the next call makes a new one. */
	clear(): void;
}

/**
 * Declares a slot of the runtime. The name is the identity (every module copy declaring it reaches
 * the same value), so each slot is declared once, by the part that owns it.
 */
export function slot<T>(name: string, create: () => T): Slot<T> {
	const get = (() => {
		const { slots } = runtime();
		if (!slots.has(name)) slots.set(name, create());
		return slots.get(name) as T;
	}) as Slot<T>;
	get.peek = () => runtime().slots.get(name) as T | undefined;
	get.set = (value) => void runtime().slots.set(name, value);
	get.clear = () => void runtime().slots.delete(name);
	return get;
}
