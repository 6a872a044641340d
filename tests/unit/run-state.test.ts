import { describe, expect, it } from 'vitest';
import type { RunView } from '$lib/realtime/session-events';
import { RunBook, groupRuns, groupRunning, type RunEvent } from '$lib/components/generation/run-state';

const SESSION = '00000000-0000-4000-8000-000000000001';
const GROUP = '00000000-0000-4000-8000-0000000000a1';
const RUN = '00000000-0000-4000-8000-0000000000b1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const STARTED_AT = '2025-01-01T10:00:00.000Z';

function view(overrides: Partial<RunView> = {}): RunView {
	return {
		executionId: RUN,
		groupId: GROUP,
		sessionId: SESSION,
		model: 'whiterabbitneo',
		standIn: null,
		status: 'running',
		startedBy: 'ada',
		startedAt: STARTED_AT,
		finishedAt: null,
		source: { kind: 'version', versionNumber: 1 },
		cacheMode: 'auto',
		cacheOutcome: null,
		waitingMessage: null,
		text: '',
		lastSeq: 0,
		finishReason: null,
		error: null,
		timeToFirstTokenMs: null,
		latencyMs: null,
		promptTokens: null,
		completionTokens: null,
		rating: null,
		plugins: null,
		...overrides
	};
}

const token = (seq: number, text: string, executionId = RUN): RunEvent => ({ type: 'tokens', event: { sessionId: SESSION, executionId, seq, text } });

/** A book that has joined, with the given runs. */
function joined(...runs: RunView[]): RunBook {
	const book = new RunBook(() => Date.parse(STARTED_AT) + 250);
	book.snapshot(runs);
	return book;
}

describe('the runs a participant holds', () => {
	it('applies tokens that arrive in order, and marks the run streaming', () => {
		const book = joined(view({ status: 'waiting', waitingMessage: 'Waking WhiteRabbitNeo-33B, ~20 s' }));
		for (const [seq, text] of [[1, 'def'], [2, ' add'], [3, '(a, b)']] as const) expect(book.apply(token(seq, text))).toEqual([]);
		const run = book.get(RUN)!;
		expect(run.text).toBe('def add(a, b)');
		expect(run.lastSeq).toBe(3);
		expect(run.status).toBe('running');
		expect(run.waitingMessage).toBeNull();
		// Until the hub's exact figure arrives, the time to first token is how long it took to get here.
		expect(run.timeToFirstTokenMs).toBe(250);
	});

	it('drops a token it already has (a duplicate), whatever its text', () => {
		const book = joined(view());
		book.apply(token(1, 'a'));
		book.apply(token(2, 'b'));
		expect(book.apply(token(2, 'b'))).toEqual([]);
		expect(book.apply(token(1, 'X'))).toEqual([]);
		expect(book.get(RUN)).toMatchObject({ text: 'ab', lastSeq: 2 });
	});

	it('on a gap asks for the missing tokens once, holds what came past it, and fills in from the resync', () => {
		const book = joined(view());
		book.apply(token(1, 'a'));
		expect(book.apply(token(4, 'd'))).toEqual([{ executionId: RUN, afterSeq: 1 }]);
		// A second token past the same gap does not ask again while the first resync is in the air.
		expect(book.apply(token(5, 'e'))).toEqual([]);
		expect(book.get(RUN)).toMatchObject({ text: 'a', lastSeq: 1 });

		const more = book.resynced({ executionId: RUN, tokens: [{ seq: 2, text: 'b' }, { seq: 3, text: 'c' }, { seq: 4, text: 'd' }] });
		expect(more).toEqual([]);
		expect(book.get(RUN)).toMatchObject({ text: 'abcde', lastSeq: 5 });
		book.apply(token(6, 'f'));
		expect(book.get(RUN)).toMatchObject({ text: 'abcdef', lastSeq: 6 });
	});

	it('asks again when a resync leaves part of the gap open, and after a failed resync', () => {
		const book = joined(view());
		expect(book.apply(token(3, 'c'))).toEqual([{ executionId: RUN, afterSeq: 0 }]);
		expect(book.resynced({ executionId: RUN, tokens: [{ seq: 1, text: 'a' }] })).toEqual([{ executionId: RUN, afterSeq: 1 }]);
		book.resyncFailed(RUN);
		expect(book.apply(token(4, 'd'))).toEqual([{ executionId: RUN, afterSeq: 1 }]);
		book.resynced({ executionId: RUN, tokens: [{ seq: 2, text: 'b' }] });
		expect(book.get(RUN)).toMatchObject({ text: 'abcd', lastSeq: 4 });
	});

	it('holds events that arrive before the join snapshot and applies them after it, without doubling text', () => {
		const book = new RunBook();
		// The socket is in the room before the snapshot is read: token 3 is both sent and in the snapshot.
		expect(book.apply(token(3, 'c'))).toEqual([]);
		expect(book.apply(token(4, 'd'))).toEqual([]);
		expect(book.list()).toEqual([]);
		expect(book.snapshot([view({ text: 'abc', lastSeq: 3 })])).toEqual([]);
		expect(book.get(RUN)).toMatchObject({ text: 'abcd', lastSeq: 4 });
	});

	it('merges a rejoin snapshot: a view behind what is held keeps the held text, one ahead replaces it', () => {
		const book = joined(view());
		book.apply(token(1, 'a'));
		book.apply(token(2, 'b'));
		book.apply(token(3, 'c'));
		book.suspend();
		book.snapshot([view({ text: 'ab', lastSeq: 2, cacheOutcome: 'miss' })]);
		expect(book.get(RUN)).toMatchObject({ text: 'abc', lastSeq: 3, cacheOutcome: 'miss' });

		book.suspend();
		book.snapshot([view({ text: 'abcdef', lastSeq: 6 })]);
		expect(book.get(RUN)).toMatchObject({ text: 'abcdef', lastSeq: 6 });
		book.apply(token(7, 'g'));
		expect(book.get(RUN)!.text).toBe('abcdefg');
	});

	it('a snapshot that lacks tokens held past a gap asks for a resync', () => {
		const book = new RunBook();
		book.apply(token(5, 'e'));
		expect(book.snapshot([view({ text: 'ab', lastSeq: 2 })])).toEqual([{ executionId: RUN, afterSeq: 2 }]);
	});

	it('replaces the run with the final view when it finishes, and ignores what comes after', () => {
		const book = joined(view());
		book.apply(token(1, 'a'));
		book.apply(token(3, 'c')); // a gap, then the end
		const final = view({ status: 'succeeded', text: 'abc', lastSeq: 3, finishReason: 'stop', latencyMs: 900, timeToFirstTokenMs: 120 });
		expect(book.apply({ type: 'finished', run: final })).toEqual([]);
		expect(book.get(RUN)).toEqual(final);
		book.apply(token(4, 'd'));
		book.resynced({ executionId: RUN, tokens: [{ seq: 2, text: 'b' }] });
		book.apply({ type: 'started', run: view({ text: 'a', lastSeq: 1 }) });
		book.apply({ type: 'waiting', event: { sessionId: SESSION, executionId: RUN, message: 'Waking', attempt: 1, delaySeconds: 20 } });
		expect(book.get(RUN)).toEqual(final);
	});

	it('shows a waking model, and holds tokens of a run it has not heard of until the run appears', () => {
		const book = joined();
		book.apply(token(1, 'x', OTHER));
		book.apply({ type: 'started', run: view() });
		book.apply({ type: 'waiting', event: { sessionId: SESSION, executionId: RUN, message: 'Waking WhiteRabbitNeo-33B, ~20 s', attempt: 1, delaySeconds: 20 } });
		expect(book.get(RUN)).toMatchObject({ status: 'waiting', waitingMessage: 'Waking WhiteRabbitNeo-33B, ~20 s' });
		book.apply({ type: 'started', run: view({ executionId: OTHER, model: 'codet5p' }) });
		expect(book.get(OTHER)).toMatchObject({ text: 'x', lastSeq: 1 });
	});

	it('lists runs newest first, grouped by start with the models in a fixed order', () => {
		const older = view({ executionId: '00000000-0000-4000-8000-0000000000c1', groupId: 'g-old', startedAt: '2025-01-01T09:00:00.000Z', status: 'succeeded' });
		const codet5p = view({ executionId: OTHER, model: 'codet5p' });
		const book = joined(older, codet5p, view());
		const groups = groupRuns(book.list());
		expect(groups.map((g) => g.groupId)).toEqual([GROUP, 'g-old']);
		expect(groups[0]!.runs.map((r) => r.model)).toEqual(['whiterabbitneo', 'codet5p']);
		expect(groupRunning(groups[0]!)).toBe(true);
		expect(groupRunning(groups[1]!)).toBe(false);
	});
});
