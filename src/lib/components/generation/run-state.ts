// The runs of a session as one participant holds them, kept in step with the hub's events: tokens
// applied strictly in sequence (duplicates dropped, a gap filled by run:resync), a join's snapshot
// merged without doubling text, and events that arrive before that snapshot held until it is in.
// Plain TypeScript with no socket and no runes, so the rules are tested in node; the page's
// SessionConnection drives it and copies `list()` into its reactive state after each change.
import { MODEL_IDS } from '$lib/models';
import {
	FINISHED_STATUSES,
	type ResyncResult,
	type RunView,
	type TokenEvent,
	type WaitingEvent
} from '$lib/realtime/session-events';

export type RunEvent =
	| { type: 'started'; run: RunView }
	| { type: 'waiting'; event: WaitingEvent }
	| { type: 'tokens'; event: TokenEvent }
	| { type: 'finished'; run: RunView };

/** A run whose tokens have a gap: ask the hub for its tokens after `afterSeq`. */
export interface ResyncNeed {
	executionId: string;
	afterSeq: number;
}

/** Runs started together (both models of one start), newest group first, models in a fixed order. */
export interface RunGroup {
	groupId: string;
	startedAt: string;
	startedBy: string | null;
	runs: RunView[];
}

/** Tokens held beyond a gap (or for a run not known yet) per run; a bound keeps a bad stream small. */
const MAX_AHEAD = 5_000;

export const isFinished = (run: Pick<RunView, 'status'>) => FINISHED_STATUSES.has(run.status);

export class RunBook {
	readonly #runs = new Map<string, RunView>();
	/** Tokens that arrived past a gap, by run then sequence number. */
	readonly #ahead = new Map<string, Map<number, string>>();
	/** Runs with a run:resync in the air: another gap meanwhile asks nothing more. */
	readonly #resyncing = new Set<string>();
	/** Events that arrived before the (re)join's snapshot, applied right after it. */
	#queue: RunEvent[] = [];
	#ready = false;
	readonly #now: () => number;

	constructor(now: () => number = Date.now) {
		this.#now = now;
	}

	/** True once a snapshot is in; until then events wait in a queue. */
	get ready(): boolean {
		return this.#ready;
	}

	/** The connection dropped or is joining again: hold events until the next snapshot. */
	suspend(): void {
		this.#ready = false;
		this.#resyncing.clear();
	}

	get(executionId: string): RunView | undefined {
		return this.#runs.get(executionId);
	}

	/** Every run, newest first. */
	list(): RunView[] {
		return [...this.#runs.values()].sort(
			(a, b) => b.startedAt.localeCompare(a.startedAt) || modelOrder(a) - modelOrder(b) || a.executionId.localeCompare(b.executionId)
		);
	}

	/** A join's snapshot: merged into what is known, then the events that waited for it. */
	snapshot(runs: RunView[]): ResyncNeed[] {
		const needs: ResyncNeed[] = [];
		for (const run of runs) needs.push(...this.#upsert(run));
		this.#ready = true;
		const queued = this.#queue;
		this.#queue = [];
		for (const event of queued) needs.push(...this.apply(event));
		return dedupe(needs);
	}

	/** One hub event; returns the resyncs it calls for. */
	apply(event: RunEvent): ResyncNeed[] {
		if (!this.#ready) {
			this.#queue.push(event);
			return [];
		}
		switch (event.type) {
			case 'started':
				return this.#upsert(event.run);
			case 'finished':
				return this.#finish(event.run);
			case 'waiting':
				this.#waiting(event.event);
				return [];
			case 'tokens':
				return this.#token(event.event.executionId, event.event.seq, event.event.text);
		}
	}

	/** Runs this participant just started (run:start's answer): known at once, merged like any view. */
	started(runs: RunView[]): ResyncNeed[] {
		if (!this.#ready) return [];
		return dedupe(runs.flatMap((run) => this.#upsert(run)));
	}

	/** run:resync's answer: the missing tokens go in, then whatever waited behind the gap. */
	resynced(result: ResyncResult): ResyncNeed[] {
		this.#resyncing.delete(result.executionId);
		const run = this.#runs.get(result.executionId);
		if (!run || isFinished(run)) return [];
		const ahead = this.#aheadOf(result.executionId);
		for (const token of result.tokens) if (token.seq > run.lastSeq) ahead.set(token.seq, token.text);
		return this.#drain(result.executionId);
	}

	/** run:resync failed: the next token past the gap asks again. */
	resyncFailed(executionId: string): void {
		this.#resyncing.delete(executionId);
	}

	// ---- the rules ------------------------------------------------------------------------------

	#token(executionId: string, seq: number, text: string): ResyncNeed[] {
		const run = this.#runs.get(executionId);
		if (run && (isFinished(run) || seq <= run.lastSeq)) return []; // over, or a duplicate
		const ahead = this.#aheadOf(executionId);
		if (ahead.size >= MAX_AHEAD && !ahead.has(seq)) return [];
		ahead.set(seq, text);
		// Not known yet (its run:started is behind): held until the run appears.
		return run ? this.#drain(executionId) : [];
	}

	/** Applies the held tokens that follow on; a gap left behind them asks for a resync. */
	#drain(executionId: string): ResyncNeed[] {
		let run = this.#runs.get(executionId);
		const ahead = this.#ahead.get(executionId);
		if (!run || !ahead) return [];
		for (const seq of ahead.keys()) if (seq <= run.lastSeq) ahead.delete(seq);
		let added = '';
		let last = run.lastSeq;
		for (let next = ahead.get(last + 1); next !== undefined; next = ahead.get(last + 1)) {
			ahead.delete(last + 1);
			added += next;
			last++;
		}
		if (last > run.lastSeq) {
			run = {
				...run,
				text: run.text + added,
				lastSeq: last,
				status: 'running',
				waitingMessage: null,
				// The hub says the exact figure when the run ends; until then, the time it took to arrive here.
				timeToFirstTokenMs: run.timeToFirstTokenMs ?? Math.max(0, this.#now() - Date.parse(run.startedAt))
			};
			this.#runs.set(executionId, run);
		}
		if (ahead.size === 0) {
			this.#ahead.delete(executionId);
			return [];
		}
		if (this.#resyncing.has(executionId)) return [];
		this.#resyncing.add(executionId);
		return [{ executionId, afterSeq: run.lastSeq }];
	}

	/** A view from the hub (started, a snapshot, run:start's answer) merged with the one held. */
	#upsert(incoming: RunView): ResyncNeed[] {
		const known = this.#runs.get(incoming.executionId);
		if (isFinished(incoming)) return this.#finish(incoming);
		if (!known) {
			this.#runs.set(incoming.executionId, { ...incoming });
		} else if (isFinished(known)) {
			return []; // an older view of a run already over
		} else if (incoming.lastSeq >= known.lastSeq) {
			this.#runs.set(incoming.executionId, { ...incoming, timeToFirstTokenMs: incoming.timeToFirstTokenMs ?? known.timeToFirstTokenMs });
		} else {
			// Held text is further along than this view: keep it (never shorten or double the text).
			this.#runs.set(incoming.executionId, {
				...incoming,
				text: known.text,
				lastSeq: known.lastSeq,
				status: known.status,
				waitingMessage: known.waitingMessage,
				timeToFirstTokenMs: known.timeToFirstTokenMs ?? incoming.timeToFirstTokenMs,
				cacheOutcome: incoming.cacheOutcome ?? known.cacheOutcome
			});
		}
		return this.#drain(incoming.executionId);
	}

	/** run:finished: the final view, whole text included, replaces whatever was held. */
	#finish(run: RunView): ResyncNeed[] {
		this.#runs.set(run.executionId, { ...run });
		this.#ahead.delete(run.executionId);
		this.#resyncing.delete(run.executionId);
		return [];
	}

	#waiting(event: WaitingEvent): void {
		const run = this.#runs.get(event.executionId);
		if (!run || isFinished(run) || run.lastSeq > 0) return;
		this.#runs.set(event.executionId, { ...run, status: 'waiting', waitingMessage: event.message });
	}

	#aheadOf(executionId: string): Map<number, string> {
		let ahead = this.#ahead.get(executionId);
		if (!ahead) this.#ahead.set(executionId, (ahead = new Map()));
		return ahead;
	}
}

function modelOrder(run: Pick<RunView, 'model'>): number {
	return MODEL_IDS.indexOf(run.model);
}

function dedupe(needs: ResyncNeed[]): ResyncNeed[] {
	const byRun = new Map<string, ResyncNeed>();
	for (const need of needs) byRun.set(need.executionId, need);
	return [...byRun.values()];
}

/** Runs (newest first) in their start groups, newest group first. */
export function groupRuns(runs: RunView[]): RunGroup[] {
	const groups = new Map<string, RunGroup>();
	for (const run of runs) {
		const group = groups.get(run.groupId);
		if (group) {
			group.runs.push(run);
			if (run.startedAt > group.startedAt) group.startedAt = run.startedAt;
		} else {
			groups.set(run.groupId, { groupId: run.groupId, startedAt: run.startedAt, startedBy: run.startedBy, runs: [run] });
		}
	}
	for (const group of groups.values()) group.runs.sort((a, b) => modelOrder(a) - modelOrder(b));
	return [...groups.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Whether any run of the group is still going (waiting or streaming). */
export function groupRunning(group: RunGroup): boolean {
	return group.runs.some((run) => !isFinished(run));
}
