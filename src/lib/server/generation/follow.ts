// Following one run of this instance from outside a session (the prompt API streams it to its HTTP
// caller): every token in order, exactly once, whenever the follower started listening.
import type { RunView, WaitingEvent } from '$lib/realtime/session-events';
import { storedRunView } from './records';
import { activeRuns, runEvents } from './registry';
import { tokensAfter } from './token-log';

export interface RunFollower {
	waiting(event: WaitingEvent): void;
	token(seq: number, text: string): void;
	/** The run's final view; nothing follows it. */
	finished(run: RunView): void;
}

/**
 * Calls the follower for the run's tokens from the first (those already sent are caught up at once),
 * then its end. Returns a function that stops following (the run goes on).
 */
export function followRun(executionId: string, follower: RunFollower): () => void {
	const events = runEvents();
	let delivered = 0;
	let over = false;
	const deliver = (seq: number, text: string) => {
		// A token caught up from memory may be announced again by the emitter: each is given once.
		if (over || seq !== delivered + 1) return;
		delivered = seq;
		follower.token(seq, text);
	};
	const end = (run: RunView) => {
		if (over) return;
		stop();
		over = true;
		follower.finished(run);
	};
	const onWaiting = (event: WaitingEvent) => event.executionId === executionId && !over && follower.waiting(event);
	const onToken = (event: { executionId: string; seq: number; text: string }) => event.executionId === executionId && deliver(event.seq, event.text);
	// Every token is announced before the run's end: by `finished`, all of them were delivered.
	const onFinished = (run: RunView) => run.executionId === executionId && end(run);
	events.on('waiting', onWaiting).on('token', onToken).on('finished', onFinished);
	const stop = () => void events.off('waiting', onWaiting).off('token', onToken).off('finished', onFinished);

	const live = activeRuns().get(executionId);
	if (live) {
		for (const { seq, text } of live.tokensAfter(0)) deliver(seq, text);
	} else {
		// Ended before anyone listened (it cannot have on this instance between its start and here,
		// but a follower may come late): its tokens are in the log, its outcome in the row.
		void (async () => {
			const view = await storedRunView(executionId);
			if (!view || over) return;
			for (const { seq, text } of await tokensAfter(executionId, delivered)) deliver(seq, text);
			if (view.status !== 'running') end(view);
		})();
	}
	return () => {
		over = true;
		stop();
	};
}

/** Cancels one run of this instance; false when it is not running here (any more). */
export function cancelRun(executionId: string, by: string | null): boolean {
	return activeRuns().get(executionId)?.cancel(by) ?? false;
}
