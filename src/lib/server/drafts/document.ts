// One prompt's authoritative draft in memory: the Y.Doc, the updates applied but not yet stored,
// and who listens. The rule that matters: an update is applied, then appended to the log (one
// insert per document per tick), and only once the insert has committed is it broadcast or
// acknowledged; a failed insert is logged and retried, the updates kept in memory meanwhile.
import * as Y from 'yjs';
import { YJS_LIMITS } from '$lib/realtime/yjs-protocol';
import { logger } from '../logger';
import type { DraftPeers } from './peers';
import { applyStoredDraft, type DraftStore } from './store';
import { checkClientUpdate, type UpdateCheck } from './validate';

// Origins are compared only by the DraftDocument that applied them (this module's own copy).
/** The origin of every change the server itself makes (updateDraft). */
export const SERVER_ORIGIN = Symbol('drafts: the server');
/** The origin of what another instance stored, or of the store re-read: never stored again. */
export const STORED_ELSEWHERE = Symbol('drafts: stored elsewhere');

/** Hooks of whoever holds the draft open (a Yjs room). */
export interface DraftListener {
	/** An update that is now stored, in apply order; `origin` is what applied it. */
	stored(update: Uint8Array, origin: unknown): void;
	/** The draft is gone (its prompt was deleted): stop using it. */
	gone(reason: string): void;
}

export type ApplyOutcome =
	| { ok: true; changed: boolean }
	| Extract<UpdateCheck, { ok: false }>
	| { ok: false; problem: 'too-large'; reason: string };

export interface DraftSettings {
	store: DraftStore;
	/** The other instances holding the same drafts. */
	peers: DraftPeers;
	/** How long a draft nobody holds stays in memory. */
	unloadGraceMs: number;
	/** Fold the log into the snapshot after this many appended updates. */
	compactEvery: number;
	maxDocumentBytes: number;
}

interface Pending {
	update: Uint8Array;
	origin: unknown;
	seq: number;
}

const MAX_RETRY_MS = 5000;

/** Prisma's P2003: a foreign key refused the write. */
function isForeignKeyViolation(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2003';
}

export class DraftDocument {
	readonly doc: Y.Doc;
	private readonly listeners = new Set<DraftListener>();
	private holds = 0;
	private pending: Pending[] = [];
	private appliedSeq = 0;
	private storedSeq = 0;
	private waiters: Array<{ seq: number; resolve: () => void; reject: (error: Error) => void }> = [];
	private flushScheduled = false;
	private flushing = false;
	private retryMs = 0;
	private retryTimer: NodeJS.Timeout | null = null;
	private unloadTimer: NodeJS.Timeout | null = null;
	private compacting: Promise<void> | null = null;
	private appendedSinceCompaction = 0;
	private lastAppendedId: bigint;
	/** An upper bound of the encoded state's size, made exact when it nears the limit. */
	private sizeBound: number;
	state: 'open' | 'unloading' | 'gone' = 'open';

	constructor(
		readonly promptId: string,
		doc: Y.Doc,
		/** Highest log id already stored (the snapshot's, or the last loaded row's). */
		lastLogId: bigint,
		/** Log rows stored but not yet folded into the snapshot. */
		pendingLogRows: number,
		private readonly settings: DraftSettings,
		private readonly onUnloaded: (draft: DraftDocument) => void
	) {
		this.doc = doc;
		this.lastAppendedId = lastLogId;
		this.appendedSinceCompaction = pendingLogRows;
		this.sizeBound = Y.encodeStateAsUpdate(doc).length;
		doc.on('update', (update: Uint8Array, origin: unknown) => this.applied(update, origin));
	}

	// ── holding ────────────────────────────────────────────────────────────────────────────────

	hold(listener?: DraftListener): void {
		this.holds++;
		if (listener) this.listeners.add(listener);
		if (this.state === 'unloading') this.state = 'open';
		if (this.unloadTimer) clearTimeout(this.unloadTimer);
		this.unloadTimer = null;
	}

	release(listener?: DraftListener): void {
		if (listener) this.listeners.delete(listener);
		this.holds = Math.max(0, this.holds - 1);
		if (this.holds === 0) this.scheduleUnload();
	}

	get connections(): number {
		return this.listeners.size;
	}

	// ── changes ────────────────────────────────────────────────────────────────────────────────

	/** Checks a client's update against this document, then applies it (not yet stored). */
	applyClientUpdate(update: Uint8Array, origin: unknown): ApplyOutcome {
		if (this.state === 'gone') return { ok: false, problem: 'malformed', reason: 'the draft is closed' };
		const check = checkClientUpdate(this.doc, update);
		if (!check.ok) return check;
		if (!this.fits(update.length)) {
			return { ok: false, problem: 'too-large', reason: `the draft would exceed ${this.settings.maxDocumentBytes} bytes` };
		}
		const before = this.appliedSeq;
		try {
			Y.applyUpdate(this.doc, update, origin);
		} catch (error) {
			return { ok: false, problem: 'malformed', reason: `the update cannot be applied (${(error as Error).message})` };
		}
		return { ok: true, changed: this.appliedSeq !== before };
	}

	/** Runs `change` as one server transaction; resolves once its update is stored. */
	async change(change: (doc: Y.Doc) => void): Promise<void> {
		if (this.state === 'gone') throw new Error(`draft ${this.promptId} is closed`);
		this.doc.transact(() => change(this.doc), SERVER_ORIGIN);
		await this.stored();
	}

	/** Resolves once every update applied so far is stored. */
	stored(): Promise<void> {
		const seq = this.appliedSeq;
		if (this.storedSeq >= seq) return Promise.resolve();
		return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
	}

	/** Resolves once everything applied so far is stored and no compaction is running (shutdown). */
	async settled(): Promise<void> {
		await this.stored();
		while (this.compacting) await this.compacting;
	}

	/** An update another instance stored: applied, told to the listeners, not stored again. */
	applyStoredElsewhere(update: Uint8Array): void {
		if (this.state === 'gone') return;
		try {
			Y.applyUpdate(this.doc, update, STORED_ELSEWHERE);
		} catch (error) {
			logger.warn({ err: error, promptId: this.promptId }, 'an update from another instance could not be applied; dropped');
		}
		// It builds on something this instance never heard of: an update an instance stored and then
		// died before sending on. The store has it; without it this update, and every later one
		// built on it, would wait here forever.
		if (this.lacksDependencies()) void this.catchUpOnce();
	}

	private lacksDependencies(): boolean {
		return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
	}

	private catchingUp: Promise<void> | null = null;

	/** One catch-up at a time: a burst of updates built on the missing one asks once. */
	private catchUpOnce(): Promise<void> {
		this.catchingUp ??= this.catchUp().finally(() => (this.catchingUp = null));
		return this.catchingUp;
	}

	/**
	 * Reads the stored draft again and merges it in (Yjs ignores what it already has): what other
	 * instances stored while their messages could not reach us (Redis was down) arrives this way.
	 */
	async catchUp(): Promise<void> {
		if (this.state === 'gone') return;
		try {
			const stored = await this.settings.store.load(this.promptId);
			if (stored && !this.isGone()) applyStoredDraft(this.doc, stored, STORED_ELSEWHERE);
		} catch (error) {
			logger.warn({ err: error, promptId: this.promptId }, 'catching up with the stored draft failed');
		}
	}

	/** A method, not a field read: TypeScript would keep a narrowing of `state` across awaits. */
	private isGone(): boolean {
		return this.state === 'gone';
	}

	/** The server's state vector (sync step 1). */
	stateVector(): Uint8Array {
		return Y.encodeStateVector(this.doc);
	}

	/** What a peer with this state vector lacks, from stored state only (answer to sync step 1). */
	async missingFrom(stateVector: Uint8Array): Promise<Uint8Array> {
		await this.stored();
		return Y.encodeStateAsUpdate(this.doc, stateVector);
	}

	private fits(extra: number): boolean {
		const max = this.settings.maxDocumentBytes;
		if (this.sizeBound + extra <= max) return true;
		this.sizeBound = Y.encodeStateAsUpdate(this.doc).length;
		return this.sizeBound + extra <= max;
	}

	// ── persistence ────────────────────────────────────────────────────────────────────────────

	private applied(update: Uint8Array, origin: unknown): void {
		if (origin === STORED_ELSEWHERE) {
			this.sizeBound += update.length;
			this.broadcast([{ update, origin, seq: this.appliedSeq }]);
			return;
		}
		this.pending.push({ update, origin, seq: ++this.appliedSeq });
		this.sizeBound += update.length;
		this.scheduleFlush();
	}

	private scheduleFlush(): void {
		if (this.flushScheduled || this.flushing || this.retryTimer) return;
		this.flushScheduled = true;
		// One tick: everything applied from the messages read in this turn goes in one insert.
		setImmediate(() => {
			this.flushScheduled = false;
			void this.flush();
		});
	}

	private async flush(): Promise<void> {
		if (this.flushing || this.pending.length === 0 || this.state === 'gone') return;
		this.flushing = true;
		const batch = this.pending;
		this.pending = [];
		try {
			const lastId = await this.settings.store.append(
				this.promptId,
				batch.map((entry) => entry.update)
			);
			this.retryMs = 0;
			this.lastAppendedId = lastId > this.lastAppendedId ? lastId : this.lastAppendedId;
			this.appendedSinceCompaction += batch.length;
			this.storedSeq = batch[batch.length - 1]!.seq;
			this.broadcast(batch);
			this.settings.peers.publishUpdate(this.promptId, batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((entry) => entry.update)));
			this.settle();
		} catch (error) {
			// Keep the updates (in order, before anything applied since) and try again.
			this.pending = batch.concat(this.pending);
			this.scheduleRetry(); // which first checks that the prompt still exists
			const context = { err: error, promptId: this.promptId, updates: this.pending.length, retryInMs: this.retryMs };
			// A foreign key refusal most likely means the prompt was just deleted: expected, not alarming.
			if (isForeignKeyViolation(error)) logger.warn(context, 'storing draft updates was refused; checking the prompt still exists');
			else logger.error(context, 'storing draft updates failed; keeping them in memory and retrying');
		} finally {
			this.flushing = false;
		}
		if (this.pending.length && !this.retryTimer) this.scheduleFlush();
		if (!this.compacting && this.appendedSinceCompaction >= this.settings.compactEvery) void this.compact();
	}

	private scheduleRetry(): void {
		if (this.state === 'gone' || this.retryTimer) return;
		this.retryMs = Math.min(this.retryMs ? this.retryMs * 2 : 100, MAX_RETRY_MS);
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null;
			void this.checkStillThere().then(() => this.scheduleFlush());
		}, this.retryMs);
	}

	private broadcast(batch: Pending[]): void {
		for (const entry of batch) {
			for (const listener of this.listeners) {
				try {
					listener.stored(entry.update, entry.origin);
				} catch (error) {
					logger.error({ err: error, promptId: this.promptId }, 'a draft listener failed');
				}
			}
		}
	}

	private settle(): void {
		const ready = this.waiters.filter((waiter) => waiter.seq <= this.storedSeq);
		this.waiters = this.waiters.filter((waiter) => waiter.seq > this.storedSeq);
		for (const waiter of ready) waiter.resolve();
	}

	/** After a failed store: a deleted prompt takes its draft with it, so stop retrying. */
	private async checkStillThere(): Promise<void> {
		let exists = true;
		try {
			exists = await this.settings.store.promptExists(this.promptId);
		} catch (error) {
			logger.warn({ err: error, promptId: this.promptId }, 'could not check whether the prompt still exists');
		}
		if (!exists) this.close('The prompt was deleted.');
	}

	/** Folds everything appended so far into the snapshot (a failure is logged and only delays it). */
	async compact(): Promise<void> {
		while (this.compacting) await this.compacting; // one at a time; then fold what came since
		if (this.appendedSinceCompaction === 0) return;
		this.compacting = this.runCompaction().finally(() => {
			this.compacting = null;
		});
		return this.compacting;
	}

	private async runCompaction(): Promise<void> {
		const through = this.lastAppendedId;
		const folded = this.appendedSinceCompaction;
		if (folded === 0) return;
		// The snapshot may hold updates not yet appended: they are appended later with larger ids
		// and applied again on load, which Yjs ignores.
		const snapshot = Y.encodeStateAsUpdate(this.doc);
		try {
			await this.settings.store.compact(this.promptId, snapshot, through);
			this.appendedSinceCompaction -= folded;
			this.sizeBound = snapshot.length + this.pending.reduce((sum, entry) => sum + entry.update.length, 0);
		} catch (error) {
			logger.error({ err: error, promptId: this.promptId }, 'compacting the draft failed; the log keeps every update');
		}
	}

	// ── unloading ──────────────────────────────────────────────────────────────────────────────

	private scheduleUnload(): void {
		if (this.unloadTimer) clearTimeout(this.unloadTimer);
		this.unloadTimer = setTimeout(() => void this.unload(), this.settings.unloadGraceMs);
		this.unloadTimer.unref?.();
	}

	/** Stores what is pending, compacts, and drops the document, unless someone held it meanwhile. */
	async unload(): Promise<void> {
		this.unloadTimer = null;
		if (this.holds > 0 || this.state !== 'open') return;
		this.state = 'unloading';
		try {
			await this.stored();
			await this.compact();
		} catch (error) {
			logger.warn({ err: error, promptId: this.promptId }, 'unloading the draft stopped');
		}
		if (this.state !== 'unloading' || this.holds > 0 || this.pending.length > 0) {
			if (this.state === 'unloading') this.state = 'open';
			if (this.holds === 0) this.scheduleUnload();
			return;
		}
		this.state = 'gone';
		this.onUnloaded(this);
		this.doc.destroy();
	}

	/** Drops the draft at once (its prompt is gone): listeners are told, waiters fail. */
	close(reason: string): void {
		this.drop(reason, true);
	}

	/** Drops the draft as the studio stops, after its updates were stored: nobody is listening any more. */
	stop(): void {
		this.drop('The studio stopped.', false);
	}

	private drop(reason: string, tellListeners: boolean): void {
		if (this.state === 'gone') return;
		this.state = 'gone';
		if (this.unloadTimer) clearTimeout(this.unloadTimer);
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.pending = [];
		for (const waiter of this.waiters) waiter.reject(new Error(reason));
		this.waiters = [];
		if (tellListeners) for (const listener of [...this.listeners]) listener.gone(reason);
		this.listeners.clear();
		this.onUnloaded(this);
		this.doc.destroy();
	}
}
