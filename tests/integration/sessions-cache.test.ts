// The model cache as a session sees it: a deterministic run asked again is answered from the stored
// answer (no model call, no cost), a sampled one is not unless the cache is forced, a bad answer is
// never kept, identical runs in the air at once share one model request, an answer lives for the
// configured time, and neither a stored answer nor a request in the air crosses from one workspace
// to another. Every case reads model_cache and execution_history as stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { ClientPayload, RunView } from '$lib/realtime/session-events';
import * as cache from '$lib/server/cache';
import { cacheKey, flightKey, type CacheKey } from '$lib/server/cache';
import { generationSettings } from '$lib/server/generation';
import { sharedFlights } from '$lib/server/generation/registry';
import { prepareRequest } from '$lib/server/models/gateway';
import type { ModelId } from '$lib/server/models/registry';
import { versionByNumber } from '$lib/server/versions/history';
import { prisma } from '../helpers/db';
import {
	joinedClient,
	newSessionTeam,
	okData,
	request,
	runRequest,
	runRow,
	useTestHub,
	type HubClientSocket,
	type SessionTeam,
	type SessionWatcher
} from '../helpers/hub-client';

const hub = useTestHub();

type Start = ClientPayload<'run:start'>;

// Every store and every lookup the engine asks the cache for, still done as they would be: a test
// sees which answers were asked to be kept or read, and can wait for those stores to end.
let stores: MockInstance<typeof cache.storeAnswer>;
let lookups: MockInstance<typeof cache.lookupAnswer>;
beforeAll(() => {
	stores = vi.spyOn(cache, 'storeAnswer');
	lookups = vi.spyOn(cache, 'lookupAnswer');
});
beforeEach(() => {
	stores.mockClear();
	lookups.mockClear();
});
afterAll(() => {
	stores.mockRestore();
	lookups.mockRestore();
});

/** The cache key of a start (computed as the engine keys it). */
async function keyFor(team: SessionTeam, start: Start, model: ModelId = 'whiterabbitneo'): Promise<CacheKey> {
	const version = await versionByNumber(team.promptId, 1);
	const chosen = Object.fromEntries(Object.entries(start.parameters ?? {}).filter(([, value]) => value !== undefined));
	const content = { ...version.content, parameters: { ...version.content.parameters, ...chosen } };
	const prepared = prepareRequest(model, { content, variables: start.variables ?? {} }, generationSettings().endpoints);
	return cacheKey(team.workspaceId, model, prepared.prompt, prepared.parameters);
}

/** The model_cache row a start would be answered from, or null. */
async function cacheRowFor(team: SessionTeam, start: Start, model: ModelId = 'whiterabbitneo') {
	const db = await prisma();
	return db.modelCache.findUnique({ where: { modelName_promptHash_parametersHash: await keyFor(team, start, model) } });
}

/** The stored answer, once it is there (it is written as the model request ends, beside the run's row). */
async function storedAnswer(team: SessionTeam, start: Start) {
	return vi.waitFor(
		async () => {
			const row = await cacheRowFor(team, start);
			if (!row) throw new Error('no model_cache row yet');
			return row;
		},
		{ timeout: 3000, interval: 20 }
	);
}

/** Starts one run and waits for its end as a participant sees it. */
async function runToEnd(socket: HubClientSocket, seen: SessionWatcher, start: Start): Promise<RunView> {
	const { runs } = okData(await request(socket, 'run:start', start));
	return seen.finishedRun(runs[0]!.executionId);
}

/**
 * Nothing stored for the start, once nothing can be any more: its model request has settled (a
 * request leaves the table of requests in the air in the same step as it asks to store its answer,
 * or not; a run that skips the cache has no shared request and never stores), no store was asked
 * for its key, and every store asked for so far has ended.
 */
async function expectNothingStored(team: SessionTeam, start: Start): Promise<void> {
	const key = flightKey(await keyFor(team, start));
	await vi.waitFor(() => expect(sharedFlights().has(key), 'its model request is still in the air').toBe(false));
	expect(stores.mock.calls.filter(([stored]) => flightKey(stored) === key)).toEqual([]);
	await Promise.allSettled(stores.mock.results.map((result) => result.value));
	expect(await cacheRowFor(team, start)).toBeNull();
}

describe('a deterministic run asked again', () => {
	it('at temperature 0 (auto) is answered from the cache: no model call, the same text, counted, at no cost', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['def ', 'add', '(a, b)', ':\n', '    return a + b'] });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });

		const first = await runToEnd(editor, seen, start);
		expect(first).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss', cacheMode: 'auto' });
		const stored = await storedAnswer(team, start);
		expect(stored.accessCount).toBe(0);
		expect(stored.cachedOutput).toMatchObject({ tokens: ['def ', 'add', '(a, b)', ':\n', '    return a + b'], finishReason: 'stop' });

		const second = await runToEnd(editor, seen, start);
		expect(second).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', text: first.text });
		// Replayed token by token, numbered like a live run.
		expect(seen.seqsOf(second.executionId)).toEqual([1, 2, 3, 4, 5]);
		expect(hub.tgi().requests).toHaveLength(1);
		// The hit is counted beside the replay, not before it.
		await vi.waitFor(async () => expect((await cacheRowFor(team, start))!.accessCount).toBe(1));

		const missRow = await runRow(first.executionId);
		const hitRow = await runRow(second.executionId);
		expect(missRow).toMatchObject({ cacheHit: false, cacheOutcome: 'miss', outputData: first.text });
		expect(hitRow).toMatchObject({ cacheHit: true, cacheOutcome: 'hit', status: 'succeeded', outputData: first.text, finishReason: 'stop' });
		expect(hitRow.estimatedCostUsd!.toString()).toBe('0');
	});

	it('at temperature 0.7 with a fixed seed (auto) is cached too', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['seeded', ' answer'] });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0.7, seed: 42 } });
		expect((await runToEnd(editor, seen, start)).cacheOutcome).toBe('miss');
		await storedAnswer(team, start);
		expect(await runToEnd(editor, seen, start)).toMatchObject({ cacheOutcome: 'hit', text: 'seeded answer' });
		expect(hub.tgi().requests).toHaveLength(1);
	});

	it('with another seed is a different answer: a miss', async () => {
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0.7, seed: 42 } });
		await runToEnd(editor, seen, start);
		await storedAnswer(team, start);
		expect((await runToEnd(editor, seen, { ...start, parameters: { temperature: 0.7, seed: 43 } })).cacheOutcome).toBe('miss');
		expect(hub.tgi().requests).toHaveLength(2);
	});
});

describe('a run the cache is not asked for', () => {
	it('sampled at temperature 0.7 without a seed (auto) calls the model each time and stores nothing', async () => {
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0.7 } });
		const runs = [await runToEnd(editor, seen, start), await runToEnd(editor, seen, start)];
		expect(runs.map((r) => [r.status, r.cacheOutcome])).toEqual([
			['succeeded', 'skip'],
			['succeeded', 'skip']
		]);
		expect(hub.tgi().requests).toHaveLength(2);
		for (const run of runs) expect(await runRow(run.executionId)).toMatchObject({ cacheHit: false, cacheOutcome: 'skip' });
		await expectNothingStored(team, start);
	});

	it('in mode never is skipped even when deterministic', async () => {
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 }, cacheMode: 'never' });
		const runs = [await runToEnd(editor, seen, start), await runToEnd(editor, seen, start)];
		expect(runs.map((r) => r.cacheOutcome)).toEqual(['skip', 'skip']);
		expect(hub.tgi().requests).toHaveLength(2);
		expect(await runRow(runs[1]!.executionId)).toMatchObject({ cacheMode: 'never', cacheOutcome: 'skip', cacheHit: false });
		await expectNothingStored(team, start);
	});

	it('in mode never does not take a stored answer either', async () => {
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });
		await runToEnd(editor, seen, start);
		await storedAnswer(team, start);
		lookups.mockClear();
		expect((await runToEnd(editor, seen, { ...start, cacheMode: 'never' })).cacheOutcome).toBe('skip');
		expect(hub.tgi().requests).toHaveLength(2);
		// Not read at all (a read would count a hit, after the run, beside it).
		expect(lookups).not.toHaveBeenCalled();
		expect((await cacheRowFor(team, start))!.accessCount).toBe(0);
	});
});

describe('mode always', () => {
	it('caches a sampled run at temperature 0.7: the second is a hit', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['sampled', ' once'] });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0.7 }, cacheMode: 'always' });
		expect((await runToEnd(editor, seen, start)).cacheOutcome).toBe('miss');
		await storedAnswer(team, start);
		const second = await runToEnd(editor, seen, start);
		expect(second).toMatchObject({ cacheOutcome: 'hit', text: 'sampled once', cacheMode: 'always' });
		expect(hub.tgi().requests).toHaveLength(1);
		expect(await runRow(second.executionId)).toMatchObject({ cacheHit: true, cacheMode: 'always' });
	});
});

describe('an answer that is never stored', () => {
	it('a failed run: the next identical run calls the model again', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ destroyAfter: 2 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });
		expect(await runToEnd(editor, seen, start)).toMatchObject({ status: 'failed', cacheOutcome: 'miss' });
		await expectNothingStored(team, start);
		hub.tgi().script({});
		expect(await runToEnd(editor, seen, start)).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss', text: 'Hello, world!' });
		expect(hub.tgi().requests).toHaveLength(1);
	});

	it('a cancelled run: the next identical run calls the model again', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: Array.from({ length: 30 }, (_, i) => `w${i} `), delayMs: 30 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });
		const { groupId, runs } = okData(await request(editor, 'run:start', start));
		await vi.waitFor(() => expect(seen.seqsOf(runs[0]!.executionId).length).toBeGreaterThanOrEqual(2));
		okData(await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId }));
		expect((await seen.finishedRun(runs[0]!.executionId)).status).toBe('cancelled');
		await expectNothingStored(team, start);
		hub.tgi().script({ tokens: ['fresh'] });
		expect(await runToEnd(editor, seen, start)).toMatchObject({ cacheOutcome: 'miss', text: 'fresh' });
		expect(hub.tgi().requests).toHaveLength(1);
	});

	it('a run cut short of the max tokens it asked for (finish_reason "length" after fewer tokens): the next identical run calls the model again', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['cut', ' sho'], finishReason: 'length' });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0, maxTokens: 5 } });
		const first = await runToEnd(editor, seen, start);
		expect(first).toMatchObject({ status: 'succeeded', finishReason: 'length', cacheOutcome: 'miss', completionTokens: 2 });
		await expectNothingStored(team, start);
		expect((await runToEnd(editor, seen, start)).cacheOutcome).toBe('miss');
		expect(hub.tgi().requests).toHaveLength(2);
	});

	it.each([
		{ name: 'a stream broken by the endpoint', script: { destroyAfter: 2 } },
		{ name: 'a stream closed without a finish reason', script: { truncateAfter: 2 } },
		{ name: 'an error event', script: { errorEventAfter: 2 } }
	])('$name after exactly the max tokens asked for: failed, and never stored', async ({ script }) => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['def ', 'add'], ...script });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0, maxTokens: 2 } });
		expect(await runToEnd(editor, seen, start)).toMatchObject({ status: 'failed', cacheOutcome: 'miss', text: 'def add' });
		await expectNothingStored(team, start);
	});

	it('a run that timed out (the endpoint went silent): the next identical run calls the model again', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['def ', 'add'], holdAfter: { tokens: 1, until: new Promise(() => {}) } });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0, maxTokens: 2 } });
		const timedOut = await runToEnd(editor, seen, start);
		expect(timedOut).toMatchObject({ status: 'failed', cacheOutcome: 'miss', text: 'def ' });
		expect(timedOut.error).toMatch(/sent nothing for 2 s/);
		await expectNothingStored(team, start);
		hub.tgi().script({ tokens: ['def ', 'add'] });
		expect(await runToEnd(editor, seen, start)).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss', text: 'def add' });
	});
});

describe('an answer cut at the max tokens it asked for', () => {
	it('(finish_reason "length" after exactly max tokens) is stored: the same request asked again is a hit, another limit is not', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['cut', ' at', ' three'], finishReason: 'length' });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0, maxTokens: 3 } });
		const first = await runToEnd(editor, seen, start);
		expect(first).toMatchObject({ status: 'succeeded', finishReason: 'length', cacheOutcome: 'miss', completionTokens: 3 });
		expect((await storedAnswer(team, start)).cachedOutput).toMatchObject({ tokens: ['cut', ' at', ' three'], finishReason: 'length', completionTokens: 3 });

		const second = await runToEnd(editor, seen, start);
		expect(second).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', finishReason: 'length', text: 'cut at three' });
		expect(await runRow(second.executionId)).toMatchObject({ cacheHit: true, cacheOutcome: 'hit', finishReason: 'length' });
		expect(hub.tgi().requests).toHaveLength(1);

		// Max tokens is part of the key: a longer limit is another request, sent to the model.
		hub.tgi().script({ tokens: ['cut', ' at', ' three', ' no', ' more'] });
		expect(await runToEnd(editor, seen, { ...start, parameters: { temperature: 0, maxTokens: 5 } })).toMatchObject({ cacheOutcome: 'miss', text: 'cut at three no more' });
		expect(hub.tgi().requests).toHaveLength(1);
	});
});

describe('identical runs in the air at once', () => {
	it('two editors starting the same run together share one model request: one miss, one hit, the same text', async () => {
		const team = await newSessionTeam();
		const tokens = Array.from({ length: 12 }, (_, i) => `s${i} `);
		hub.tgi().script({ tokens, delayMs: 20 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });

		const [a, b] = await Promise.all([request(editor, 'run:start', start), request(owner, 'run:start', start)]);
		const runs = await Promise.all([okData(a).runs[0]!, okData(b).runs[0]!].map((run) => seen.finishedRun(run.executionId)));
		expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
		expect(runs.map((r) => r.text)).toEqual([tokens.join(''), tokens.join('')]);
		expect(runs.map((r) => r.cacheOutcome).sort()).toEqual(['hit', 'miss']);
		expect(runs.map((r) => r.startedBy).sort()).toEqual([team.editor.user.username, team.owner.user.username].sort());
		expect(hub.tgi().requests).toHaveLength(1);

		const follower = runs.find((r) => r.cacheOutcome === 'hit')!;
		expect(seen.seqsOf(follower.executionId)).toEqual(tokens.map((_, i) => i + 1));
		const row = await runRow(follower.executionId);
		expect(row).toMatchObject({ cacheHit: true, outputData: tokens.join('') });
		expect(row.estimatedCostUsd!.toString()).toBe('0');
		// The shared answer is stored once, and a third start is served from it.
		await storedAnswer(team, start);
		expect((await runToEnd(editor, seen, start)).cacheOutcome).toBe('hit');
		expect(hub.tgi().requests).toHaveLength(1);
	});

	it('cancelling the run that made the request leaves the other to finish; the request goes on', async () => {
		const team = await newSessionTeam();
		const tokens = Array.from({ length: 20 }, (_, i) => `c${i} `);
		hub.tgi().script({ tokens, delayMs: 25 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });

		const first = okData(await request(editor, 'run:start', start));
		const leader = first.runs[0]!.executionId;
		await vi.waitFor(() => expect(seen.seqsOf(leader).length).toBeGreaterThanOrEqual(2));
		const follower = okData(await request(owner, 'run:start', start)).runs[0]!.executionId;

		expect(okData(await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId: first.groupId }))).toEqual({ cancelled: 1 });
		expect(await seen.finishedRun(leader)).toMatchObject({ status: 'cancelled', cacheOutcome: 'miss' });
		expect(await seen.finishedRun(follower)).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', text: tokens.join('') });
		expect(hub.tgi().requests).toHaveLength(1);
		const [upstream] = hub.tgi().requests;
		await upstream!.finished;
		expect(upstream).toMatchObject({ clientClosed: false, tokensSent: 20 });
		expect(await runRow(follower)).toMatchObject({ status: 'succeeded', cacheHit: true, outputData: tokens.join('') });
	});

	it('cancelling both closes the model request and stores nothing', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: Array.from({ length: 40 }, (_, i) => `x${i} `), delayMs: 25 });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });

		const first = okData(await request(editor, 'run:start', start));
		await vi.waitFor(() => expect(seen.seqsOf(first.runs[0]!.executionId).length).toBeGreaterThanOrEqual(2));
		const second = okData(await request(owner, 'run:start', start));
		okData(await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId: first.groupId }));
		expect(hub.tgi().requests[0]!.clientClosed).toBe(false);
		okData(await request(owner, 'run:cancel', { sessionId: team.sessionId, groupId: second.groupId }));
		for (const { runs } of [first, second]) expect((await seen.finishedRun(runs[0]!.executionId)).status).toBe('cancelled');

		const [upstream] = hub.tgi().requests;
		await upstream!.finished;
		expect(upstream!.clientClosed).toBe(true);
		expect(upstream!.tokensSent).toBeLessThan(40);
		await expectNothingStored(team, start);
	});
});

describe('how long an answer lives', () => {
	it('an expired answer is a miss, and the new answer replaces it', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['old'] });
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });
		await runToEnd(editor, seen, start);
		const stored = await storedAnswer(team, start);
		const db = await prisma();
		await db.modelCache.update({ where: { id: stored.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

		hub.tgi().script({ tokens: ['new'] });
		const again = await runToEnd(editor, seen, start);
		expect(again).toMatchObject({ cacheOutcome: 'miss', text: 'new' });
		expect(hub.tgi().requests).toHaveLength(1);
		await vi.waitFor(async () => expect((await cacheRowFor(team, start))!.expiresAt.getTime()).toBeGreaterThan(Date.now()));
		const renewed = (await cacheRowFor(team, start))!;
		expect(renewed.id).toBe(stored.id);
		expect(renewed.cachedOutput).toMatchObject({ tokens: ['new'] });
		expect((await runToEnd(editor, seen, start)).text).toBe('new');
	});

	it('an answer is kept for MODEL_CACHE_TTL_HOURS (24 h by default)', async () => {
		const hours = Number(process.env.MODEL_CACHE_TTL_HOURS ?? 24);
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });
		const before = Date.now();
		await runToEnd(editor, seen, start);
		const stored = await storedAnswer(team, start);
		const after = Date.now();
		expect(stored.expiresAt.getTime()).toBeGreaterThanOrEqual(before + hours * 3_600_000 - 1000);
		expect(stored.expiresAt.getTime()).toBeLessThanOrEqual(after + hours * 3_600_000 + 1000);
		expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(hours * 3_600_000);
	});
});

describe('two workspaces sending the very same request', () => {
	it("do not hit each other's stored answer: the second workspace's run is a miss and calls the model, while the first still hits", async () => {
		const [first, second] = [await newSessionTeam(), await newSessionTeam()];
		expect(second.workspaceId).not.toBe(first.workspaceId);
		hub.tgi().script({ tokens: ['the ', 'answer'] });
		const a = await joinedClient(hub.client(first.editor.cookie), first.sessionId);
		const b = await joinedClient(hub.client(second.editor.cookie), second.sessionId);
		const startA = runRequest(first, { parameters: { temperature: 0 } });
		// The same version content, variables and parameters: the model is sent the very same prompt.
		const startB: Start = { ...startA, sessionId: second.sessionId };

		expect(await runToEnd(a.socket, a.seen, startA)).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss', text: 'the answer' });
		await storedAnswer(first, startA);

		const other = await runToEnd(b.socket, b.seen, startB);
		expect(other).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss', text: 'the answer' });
		expect(hub.tgi().requests).toHaveLength(2);
		expect(hub.tgi().requests[1]!.body).toEqual(hub.tgi().requests[0]!.body);
		expect(await runRow(other.executionId)).toMatchObject({ cacheHit: false, cacheOutcome: 'miss', outputData: 'the answer' });
		await storedAnswer(second, startB);
		expect((await cacheRowFor(first, startA))!.accessCount).toBe(0);

		// Each workspace still hits its own answer.
		expect(await runToEnd(a.socket, a.seen, startA)).toMatchObject({ cacheOutcome: 'hit', text: 'the answer' });
		expect(await runToEnd(b.socket, b.seen, startB)).toMatchObject({ cacheOutcome: 'hit', text: 'the answer' });
		expect(hub.tgi().requests).toHaveLength(2);
	});

	it('at the same moment do not share one model request: both are misses and the model is called twice', async () => {
		const [first, second] = [await newSessionTeam(), await newSessionTeam()];
		hub.tgi().script({ tokens: Array.from({ length: 12 }, (_, i) => `t${i} `), delayMs: 20 });
		const a = await joinedClient(hub.client(first.editor.cookie), first.sessionId);
		const b = await joinedClient(hub.client(second.editor.cookie), second.sessionId);
		const startA = runRequest(first, { parameters: { temperature: 0 } });
		const startB: Start = { ...startA, sessionId: second.sessionId };

		const [ra, rb] = await Promise.all([request(a.socket, 'run:start', startA), request(b.socket, 'run:start', startB)]);
		const runs = await Promise.all([a.seen.finishedRun(okData(ra).runs[0]!.executionId), b.seen.finishedRun(okData(rb).runs[0]!.executionId)]);
		expect(runs.map((r) => [r.status, r.cacheOutcome])).toEqual([
			['succeeded', 'miss'],
			['succeeded', 'miss']
		]);
		expect(hub.tgi().requests).toHaveLength(2);
	});
});
