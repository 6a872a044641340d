// How a run streams to everyone in a session and how it ends, whichever way: a participant joining
// mid-stream or filling a gap gets every token once; nobody leaving stops a run; a cancel stops it
// for all; every failure of the model server ends the run with a clear reason, keeps what had
// arrived, and leaves a complete history row. The hub keeps serving afterwards.
import { describe, expect, it, vi } from 'vitest';
import type { RunView } from '$lib/realtime/session-events';
import { configureGeneration, openSession } from '$lib/server/generation';
import { sharedFlights } from '$lib/server/generation/registry';
import type { TgiScript } from '../helpers/tgi-server';
import { hasPostgres, prisma } from '../helpers/db';
import {
	connected,
	joinedClient,
	loggedTokens,
	newSessionTeam,
	okData,
	request,
	runRequest,
	runRow,
	sessionRows,
	SessionWatcher,
	useTestHub,
	type HubClientSocket,
	type SessionTeam
} from '../helpers/hub-client';

const hub = useTestHub();

/** Numbered tokens, so that a gap or a duplicate shows in the text. */
const numbered = (count: number) => Array.from({ length: count }, (_, i) => `t${i + 1} `);

async function startOne(socket: HubClientSocket, team: SessionTeam, over: Parameters<typeof runRequest>[1] = {}): Promise<{ groupId: string; run: RunView }> {
	const { groupId, runs } = okData(await request(socket, 'run:start', runRequest(team, over)));
	return { groupId, run: runs[0]! };
}

/** Waits until the watcher has seen at least `count` tokens of the run. */
async function tokensSeen(seen: SessionWatcher, executionId: string, count: number): Promise<void> {
	await vi.waitFor(() => expect(seen.seqsOf(executionId).length).toBeGreaterThanOrEqual(count), { timeout: 5000, interval: 5 });
}

/** A row as finished runs leave it: its status, reason, end time and timings, and the text that arrived. */
async function expectRecorded(executionId: string, expected: { status: 'succeeded' | 'failed' | 'cancelled'; output: string; error: RegExp | null }) {
	const row = await runRow(executionId);
	expect(row.status).toBe(expected.status);
	expect(row.success).toBe(expected.status === 'succeeded');
	expect(row.outputData).toBe(expected.output);
	if (expected.error) expect(row.errorMessage).toMatch(expected.error);
	else expect(row.errorMessage).toBeNull();
	expect(row.finishedAt).toBeInstanceOf(Date);
	expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.executedAt.getTime());
	expect(row.executionTimeMs).toEqual(expect.any(Number));
	expect(row.executionTimeMs!).toBeGreaterThanOrEqual(0);
	if (expected.output) {
		expect(row.timeToFirstTokenMs).toEqual(expect.any(Number));
		expect(row.timeToFirstTokenMs!).toBeLessThanOrEqual(row.executionTimeMs!);
	} else {
		expect(row.timeToFirstTokenMs).toBeNull();
	}
	return row;
}

/** The model server answering normally again, the same socket's next run succeeds. */
async function expectNextRunSucceeds(socket: HubClientSocket, seen: SessionWatcher, team: SessionTeam): Promise<void> {
	hub.tgi().script({ tokens: ['fine', ' again'] });
	const { run } = await startOne(socket, team);
	expect(await seen.finishedRun(run.executionId)).toMatchObject({ status: 'succeeded', text: 'fine again' });
}

describe('streaming to a session', () => {
	it('a participant joining mid-stream gets the text so far in its snapshot, then every later token as exactly one event, in order, with no gap', async () => {
		const team = await newSessionTeam();
		const tokens = numbered(40);
		hub.tgi().script({ tokens, delayMs: 30 });
		const { socket: editor, seen: editorSaw } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		await tokensSeen(editorSaw, run.executionId, 8);

		const { seen: lateSaw, snapshot } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const inSnapshot = snapshot.runs.find((r) => r.executionId === run.executionId)!;
		expect(inSnapshot.status).toBe('running');
		expect(inSnapshot.lastSeq).toBeGreaterThanOrEqual(8);
		expect(inSnapshot.lastSeq).toBeLessThan(40);
		expect(inSnapshot.text).toBe(tokens.slice(0, inSnapshot.lastSeq).join(''));

		const final = await lateSaw.finishedRun(run.executionId);
		expect(final.status).toBe('succeeded');
		// Every token event the socket received, as received (nothing dropped here): one per sequence
		// number, in order, to the last. The first may be at or before the snapshot's last token (one
		// streamed while the join was answered is in both; the page keeps the snapshot's), never after
		// the one that follows it: no gap.
		const events = lateSaw.tokens.get(run.executionId)!;
		const first = events[0]!.seq;
		expect(first).toBeLessThanOrEqual(inSnapshot.lastSeq + 1);
		expect(events.map((t) => t.seq)).toEqual(Array.from({ length: 40 - first + 1 }, (_, i) => first + i));
		expect(events.map((t) => t.text)).toEqual(tokens.slice(first - 1));
		expect(final.text).toBe(tokens.join(''));
		expect(editorSaw.seqsOf(run.executionId)).toEqual(tokens.map((_, i) => i + 1));
		expect(editorSaw.textOf(run.executionId)).toBe(tokens.join(''));
	});

	it('run:resync answers exactly the tokens after the given sequence number, while the run streams and once it is over', async () => {
		const team = await newSessionTeam();
		const tokens = numbered(40);
		hub.tgi().script({ tokens, delayMs: 25 });
		const { socket: viewer, seen } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { socket: editor } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		await tokensSeen(seen, run.executionId, 6);

		const live = okData(await request(viewer, 'run:resync', { sessionId: team.sessionId, executionId: run.executionId, afterSeq: 3 }));
		expect(live.executionId).toBe(run.executionId);
		expect(live.tokens.length).toBeGreaterThanOrEqual(3);
		expect(live.tokens.length).toBeLessThan(37);
		expect(live.tokens).toEqual(live.tokens.map((_, i) => ({ seq: 4 + i, text: tokens[3 + i] })));

		await seen.finishedRun(run.executionId);
		const after = okData(await request(viewer, 'run:resync', { sessionId: team.sessionId, executionId: run.executionId, afterSeq: 35 }));
		expect(after.tokens).toEqual([36, 37, 38, 39, 40].map((seq) => ({ seq, text: tokens[seq - 1] })));
		const whole = okData(await request(viewer, 'run:resync', { sessionId: team.sessionId, executionId: run.executionId, afterSeq: 0 }));
		expect(whole.tokens.map((t) => t.text).join('')).toBe(tokens.join(''));
		expect(okData(await request(viewer, 'run:resync', { sessionId: team.sessionId, executionId: run.executionId, afterSeq: 40 })).tokens).toEqual([]);
	});

	// A second connection holds a table lock while the studio reads: PostgreSQL only (the embedded
	// engine has one connection, which the lock would hold for everyone).
	it.runIf(hasPostgres())('a participant whose join is answered just after a run ended sees it ended, not still running', async () => {
		const team = await newSessionTeam();
		// The last event carries no text: the run ends with every token already in its log. It is held
		// back until the join waits on the log: a run ending before the joining socket is in the room
		// is another case (the snapshot alone says it ended), and a busy machine made it this one.
		let joinWaits!: () => void;
		const joinWaiting = new Promise<void>((resolve) => (joinWaits = resolve));
		hub.tgi().script({ tokens: ['a', 'b', 'c', ''], holdAfter: { tokens: 3, until: joinWaiting } });
		const { socket: editor, seen: editorSaw } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		await tokensSeen(editorSaw, run.executionId, 3);
		await vi.waitFor(async () => expect(await loggedTokens(run.executionId)).toHaveLength(3));

		// Holding the token log's table keeps the join reading its snapshot while the run ends.
		const db = await prisma();
		let release!: () => void;
		let locked!: () => void;
		const isLocked = new Promise<void>((resolve) => (locked = resolve));
		const holding = db.$transaction(
			async (tx) => {
				await tx.$executeRawUnsafe('LOCK TABLE execution_chunks IN ACCESS EXCLUSIVE MODE');
				locked();
				await new Promise<void>((resolve) => (release = resolve));
			},
			{ timeout: 10_000 }
		);
		await isLocked;
		const viewer = hub.client(team.viewer.cookie);
		await connected(viewer);
		const viewerSaw = new SessionWatcher(viewer);
		const joining = request(viewer, 'session:join', { sessionId: team.sessionId });
		// The join is in the session's room and reads the token log, which waits on the lock.
		await vi.waitFor(
			async () => {
				const [{ waiting }] = await db.$queryRaw<[{ waiting: number }]>`SELECT count(*)::int AS waiting FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%execution_chunks%'`;
				expect(waiting).toBeGreaterThan(0);
			},
			{ timeout: 15_000, interval: 20 }
		);
		// The run ends while the join waits (ending needs no token log: its last event had no text),
		// and the socket, already in the session's room, is told.
		joinWaits();
		await viewerSaw.finishedRun(run.executionId);
		release();
		await holding;

		const snapshot = okData(await joining);
		expect(viewerSaw.finished.get(run.executionId)).toMatchObject({ status: 'succeeded', text: 'abc' });
		// The socket was told the run ended before its join was answered: the snapshot must not undo that.
		expect(snapshot.runs.find((r) => r.executionId === run.executionId)).toMatchObject({ status: 'succeeded', text: 'abc', lastSeq: 3 });
	});

	it('run:resync does not hand out a run of another session', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['secret'] });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		await seen.finishedRun(run.executionId);

		const other = await openSession(team.owner.member, team.promptSlug, 'Another call');
		const { socket: viewer } = await joinedClient(hub.client(team.viewer.cookie), other.id);
		const answer = await request(viewer, 'run:resync', { sessionId: other.id, executionId: run.executionId, afterSeq: 0 });
		expect(answer).toMatchObject({ ok: false, error: { code: 'not-found', event: 'run:resync' } });
	});
});

describe('nobody leaving stops a run', () => {
	it('a viewer disconnecting mid-run changes nothing: the run finishes and the model request runs to its end', async () => {
		const team = await newSessionTeam();
		const tokens = numbered(15);
		hub.tgi().script({ tokens, delayMs: 20 });
		const { socket: editor, seen: editorSaw } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: viewer, seen: viewerSaw } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		await tokensSeen(viewerSaw, run.executionId, 3);
		viewer.disconnect();

		expect(await editorSaw.finishedRun(run.executionId)).toMatchObject({ status: 'succeeded', text: tokens.join('') });
		const [upstream] = hub.tgi().requests;
		await upstream!.finished;
		expect(upstream).toMatchObject({ clientClosed: false, tokensSent: 15 });
		await expectRecorded(run.executionId, { status: 'succeeded', output: tokens.join(''), error: null });
	});

	it('a run whose every participant left still finishes, and its row holds the whole output', async () => {
		const team = await newSessionTeam();
		const tokens = numbered(20);
		hub.tgi().script({ tokens, delayMs: 20 });
		const { socket: editor } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: viewer } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		editor.disconnect();
		viewer.disconnect();

		await vi.waitFor(async () => expect((await runRow(run.executionId)).status).not.toBe('running'), { timeout: 5000, interval: 50 });
		const row = await expectRecorded(run.executionId, { status: 'succeeded', output: tokens.join(''), error: null });
		expect(row.finishReason).toBe('stop');
		expect(hub.tgi().requests[0]).toMatchObject({ clientClosed: false, tokensSent: 20 });
		expect(await loggedTokens(run.executionId)).toEqual(tokens.map((text, i) => ({ seq: i + 1, text })));
	});
});

describe('cancelling a run', () => {
	it('stops it for everyone, closes the model request, and keeps exactly the tokens that were sent', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: numbered(40), delayMs: 30 });
		const { socket: editor, seen: editorSaw } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { seen: viewerSaw } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { groupId, run } = await startOne(editor, team);
		await tokensSeen(viewerSaw, run.executionId, 4);

		expect(okData(await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId }))).toEqual({ cancelled: 1 });
		const cancelledBy = `Cancelled by ${team.editor.user.username}.`;
		for (const seen of [editorSaw, viewerSaw]) {
			expect(await seen.finishedRun(run.executionId)).toMatchObject({ status: 'cancelled', error: cancelledBy });
		}
		const final = viewerSaw.finished.get(run.executionId)!;
		expect(final.text).toBe(viewerSaw.textOf(run.executionId));
		expect(final.lastSeq).toBeLessThan(40);
		expect(viewerSaw.seqsOf(run.executionId)).toEqual(Array.from({ length: final.lastSeq }, (_, i) => i + 1));

		const [upstream] = hub.tgi().requests;
		await upstream!.finished;
		expect(upstream!.clientClosed).toBe(true);
		expect(upstream!.tokensSent).toBeLessThan(40);
		await expectRecorded(run.executionId, { status: 'cancelled', output: final.text, error: new RegExp(`^${cancelledBy.replace('.', '\\.')}$`) });
		expect(await loggedTokens(run.executionId)).toEqual(viewerSaw.tokens.get(run.executionId)!.map(({ seq, text }) => ({ seq, text })));

		// Cancelling again finds nothing going; the session goes on.
		expect(okData(await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId }))).toEqual({ cancelled: 0 });
		await expectNextRunSucceeds(editor, editorSaw, team);
	});
});

describe('a model that is asleep', () => {
	it('is waited for: everyone sees "Waking …", then the run succeeds', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ loadingFor: 2, estimatedTime: 20, tokens: ['awake', '!'] });
		const { socket: editor } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { seen: viewerSaw } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { run } = await startOne(editor, team);

		const final = await viewerSaw.finishedRun(run.executionId);
		expect(viewerSaw.waiting).toEqual(['Waking WhiteRabbitNeo-33B, ~20 s', 'Waking WhiteRabbitNeo-33B, ~20 s']);
		expect(final).toMatchObject({ status: 'succeeded', text: 'awake!', waitingMessage: null });
		expect(hub.tgi().requests).toHaveLength(3);
		await expectRecorded(run.executionId, { status: 'succeeded', output: 'awake!', error: null });
	});

	it('that never wakes fails the run with a loading message once the attempts are spent', async () => {
		const team = await newSessionTeam();
		configureGeneration({ wakeMaxAttempts: 2 });
		hub.tgi().script({ loadingFor: 1000 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { run } = await startOne(editor, team);

		const final = await seen.finishedRun(run.executionId);
		expect(final).toMatchObject({ status: 'failed', text: '', error: 'WhiteRabbitNeo-33B is loading: Model is currently loading' });
		expect(seen.waiting).toHaveLength(1);
		expect(hub.tgi().requests).toHaveLength(2);
		await expectRecorded(run.executionId, { status: 'failed', output: '', error: /is loading: Model is currently loading/ });
		await expectNextRunSucceeds(editor, seen, team);
	});

	it('can be given up on: a cancel while it wakes ends the run and stops the retries', async () => {
		const team = await newSessionTeam();
		configureGeneration({ wakeInitialDelayMs: 150, wakeMaxDelayMs: 150, wakeMaxAttempts: 50 });
		hub.tgi().script({ loadingFor: 1000 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { groupId, run } = await startOne(editor, team);
		await vi.waitFor(() => expect(seen.waiting.length).toBeGreaterThanOrEqual(1));
		// The run's model request, which retries while the model sleeps (50 attempts, 150 ms apart).
		const inAir = [...sharedFlights().values()].filter((flight) => !flight.finished);
		expect(inAir).toHaveLength(1);

		expect(okData(await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId }))).toEqual({ cancelled: 1 });
		const asked = hub.tgi().requests.length;
		expect(await seen.finishedRun(run.executionId)).toMatchObject({ status: 'cancelled', text: '', waitingMessage: null });
		await expectRecorded(run.executionId, { status: 'cancelled', output: '', error: /^Cancelled by / });
		// Once the request has settled no attempt can follow; at most the one on its way at the cancel
		// reached the model server after it (retries going on would have made dozens by then).
		await inAir[0]!.settled;
		expect(hub.tgi().requests.length).toBeLessThanOrEqual(asked + 1);
		expect(asked).toBeLessThan(50);
	});
});

describe('a model server that fails', () => {
	const failures: { name: string; script: TgiScript; idleTimeoutMs?: number; output: string; error: RegExp }[] = [
		{
			name: 'answers nothing within the idle timeout',
			script: { headerDelayMs: 1500 },
			idleTimeoutMs: 1000,
			output: '',
			error: /^WhiteRabbitNeo-33B sent nothing for 1 s\.$/
		},
		{
			name: 'stalls mid-stream past the idle timeout',
			script: { tokens: ['def ', 'f', '():'], delayMs: 1500 },
			idleTimeoutMs: 1000,
			output: 'def ',
			error: /^WhiteRabbitNeo-33B sent nothing for 1 s\.$/
		},
		{ name: 'dies mid-stream', script: { destroyAfter: 3 }, output: 'Hello, world', error: /^The connection to WhiteRabbitNeo-33B broke: / },
		{
			name: 'sends an error event',
			script: { errorEventAfter: 2, errorMessage: 'Request failed during generation: Server error: CUDA out of memory' },
			output: 'Hello,',
			error: /CUDA out of memory/
		},
		{ name: 'sends a malformed event', script: { malformedAfter: 2 }, output: 'Hello,', error: /malformed/ },
		{
			name: 'refuses the request (422)',
			script: { httpError: { status: 422, message: 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096' } },
			output: '',
			error: /^WhiteRabbitNeo-33B refused the request \(422\): Input validation error: `inputs` tokens \+ `max_new_tokens` must be <= 4096$/
		},
		{ name: 'ends the stream before the model finished', script: { truncateAfter: 2 }, output: 'Hello,', error: /ended before the model finished/ }
	];

	it.each(failures)('that $name fails the run for everyone with its reason, keeps the partial output, and the next run succeeds', async ({ script, idleTimeoutMs, output, error }) => {
		const team = await newSessionTeam();
		if (idleTimeoutMs) configureGeneration({ idleTimeoutMs });
		hub.tgi().script(script);
		const { socket: editor, seen: editorSaw } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { seen: viewerSaw } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { run } = await startOne(editor, team);

		for (const seen of [editorSaw, viewerSaw]) {
			const final = await seen.finishedRun(run.executionId);
			expect(final.status).toBe('failed');
			expect(final.error).toMatch(error);
			expect(final.text).toBe(output);
			expect(seen.textOf(run.executionId)).toBe(output);
		}
		const row = await expectRecorded(run.executionId, { status: 'failed', output, error });
		expect(row.finishReason).toBeNull();
		const logged = await loggedTokens(run.executionId);
		expect(logged.map((t) => t.text).join('')).toBe(output);
		expect(logged.map((t) => t.seq)).toEqual(logged.map((_, i) => i + 1));
		await expectNextRunSucceeds(editor, editorSaw, team);
	});

	it('that dies after three tokens leaves exactly those three in the output and the token log', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['one ', 'two ', 'three ', 'four '], destroyAfter: 3 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { run } = await startOne(editor, team);
		expect(await seen.finishedRun(run.executionId)).toMatchObject({ status: 'failed', text: 'one two three ', lastSeq: 3 });
		await expectRecorded(run.executionId, { status: 'failed', output: 'one two three ', error: /broke/ });
		expect(await loggedTokens(run.executionId)).toEqual([
			{ seq: 1, text: 'one ' },
			{ seq: 2, text: 'two ' },
			{ seq: 3, text: 'three ' }
		]);
	});

	it('that refuses both models of one start fails both rows, each with the server’s message', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ httpError: { status: 400, message: 'Template error: unknown role' } });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { runs } = okData(await request(editor, 'run:start', runRequest(team, { models: ['whiterabbitneo', 'codet5p'] })));
		for (const run of runs) expect((await seen.finishedRun(run.executionId)).status).toBe('failed');
		const rows = await sessionRows(team.sessionId);
		expect(rows.map((r) => [r.modelUsed, r.status]).sort()).toEqual([
			['codet5p', 'failed'],
			['whiterabbitneo', 'failed']
		]);
		expect(rows.find((r) => r.modelUsed === 'codet5p')!.errorMessage).toBe('CodeT5+ 16B refused the request (400): Template error: unknown role');
		expect(rows.find((r) => r.modelUsed === 'whiterabbitneo')!.errorMessage).toBe('WhiteRabbitNeo-33B refused the request (400): Template error: unknown role');
		await expectNextRunSucceeds(editor, seen, team);
	});
});
