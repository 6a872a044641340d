// Sessions on the embedded stand-in model: a model slot with no endpoint runs on the tiny code model
// shipped in models/, in this process, through real socket.io clients, PostgreSQL and Redis. Both
// slots stream its answer to everyone; the rows and views name the stand-in; its answers are cached
// apart from the real model's; a prompt too long for its context is refused before anything is
// written; a cancel stops it; with no stand-in, a model with no endpoint cannot run at all.
// The model is still being trained while these tests are written: nothing here depends on what it
// answers, only on its answering the same way as the model run directly.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DraftContent } from '$lib/prompt-doc';
import type { ClientPayload, RunView } from '$lib/realtime/session-events';
import { cacheKey, flightKey, type CacheKey } from '$lib/server/cache';
import { configureGeneration, generationSettings, renderedPromptText } from '$lib/server/generation';
import { sharedFlights } from '$lib/server/generation/registry';
import { prepareRequest, type GenerationEvent } from '$lib/server/models/gateway';
import { embeddedModel, SHIPPED_MODEL_ID, streamEmbedded } from '$lib/server/models/embedded';
import type { EndpointSettings, GenerationParameters, ModelId } from '$lib/server/models/registry';
import { prisma } from '../helpers/db';
import {
	joinedClient,
	loggedTokens,
	newSessionTeam,
	okData,
	request,
	runRow,
	sessionRows,
	useTestHub,
	type HubClientSocket,
	type SessionTeam,
	type SessionWatcher
} from '../helpers/hub-client';
import { uniqueSlug } from '../helpers/unique';

// The hub's own afterEach sets the endpoints back to the test server's (no EMBEDDED_MODEL: no
// stand-in) and the short waits; what else a test here changes is set back here.
const hub = useTestHub();
let configuredCost: number;
beforeAll(() => {
	configuredCost = generationSettings().costPerHourUsd;
});
afterEach(() => {
	configureGeneration({ costPerHourUsd: configuredCost });
});

const STAND_IN = SHIPPED_MODEL_ID; // 'codetune-tiny-code'
const BOTH: ModelId[] = ['whiterabbitneo', 'codet5p'];
/** Generous: the stand-in shares two cores with whatever else runs (its first use loads it too). */
const RUN_TIMEOUT_MS = 45_000;

/** Code-like, so the code model has something to continue; the version samples (0.7): runs ask greedy. */
const CONTENT: DraftContent = {
	systemPrompt: '# A helper module.',
	userPromptTemplate: '# {{task}}\ndef {{name}}(items):\n',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.7, maxTokens: 256 }
};
const GREEDY = { temperature: 0, maxTokens: 40 } as const;

/** No endpoint for either model and the stand-in named, but for what `over` says. */
function endpoints(over: Partial<EndpointSettings> = {}): EndpointSettings {
	return { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined, EMBEDDED_MODEL: STAND_IN, ...over };
}

type Start = ClientPayload<'run:start'>;

/** A start of version 1 with a task of its own (no other test's cached answer can match it), greedy. */
function start(team: SessionTeam, over: Partial<Start> = {}): Start {
	return {
		sessionId: team.sessionId,
		source: { kind: 'version', versionNumber: 1 },
		variables: { task: uniqueSlug('task'), name: 'largest' },
		models: BOTH,
		parameters: { ...GREEDY },
		...over
	};
}

/** The prompt as the stand-in gets it: the version's parts as one plain text, whatever the slot's format. */
const standInText = (s: Start) => `# A helper module.\n\n# ${s.variables!.task}\ndef ${s.variables!.name}(items):\n`;

/** The version's content with the start's parameters over it, as the engine builds it. */
function contentOf(s: Start): DraftContent {
	const chosen = Object.fromEntries(Object.entries(s.parameters ?? {}).filter(([, value]) => value !== undefined));
	return { ...CONTENT, parameters: { ...CONTENT.parameters, ...chosen } };
}

/** The model_cache key a team's start's run of `model` is stored under, with `settings` as the engine sees them. */
function keyOf(team: SessionTeam, s: Start, model: ModelId, settings: EndpointSettings): CacheKey {
	const prepared = prepareRequest(model, { content: contentOf(s), variables: s.variables ?? {} }, settings);
	return cacheKey(team.workspaceId, model, prepared.prompt, prepared.parameters, prepared.backend.kind === 'embedded' ? STAND_IN : null);
}

async function cacheRow(key: CacheKey) {
	const db = await prisma();
	return db.modelCache.findUnique({ where: { modelName_promptHash_parametersHash: key } });
}

/** The stored answer, once it is there (it is written as the model request ends). */
function storedAnswer(key: CacheKey) {
	return vi.waitFor(
		async () => {
			const row = await cacheRow(key);
			if (!row) throw new Error(`no model_cache row for ${key.modelName} yet`);
			return row;
		},
		{ timeout: 5000, interval: 20 }
	);
}

/** The stand-in run directly, outside any session. */
async function direct(text: string, parameters: GenerationParameters) {
	const tokens: string[] = [];
	let done: Extract<GenerationEvent, { type: 'done' }> | undefined;
	for await (const event of streamEmbedded(await embeddedModel(), { text, parameters })) {
		if (event.type === 'token') tokens.push(event.text);
		else done = event;
	}
	return { tokens, text: tokens.join(''), done: done! };
}

/** Starts and waits for every run's end as `seen` sees it. */
async function runToEnd(socket: HubClientSocket, seen: SessionWatcher, s: Start): Promise<RunView[]> {
	const { runs } = okData(await request(socket, 'run:start', s, 20_000));
	return Promise.all(runs.map((run) => seen.finishedRun(run.executionId, RUN_TIMEOUT_MS)));
}

const byModel = (runs: RunView[], model: ModelId) => runs.find((run) => run.model === model)!;

/** Every token numbered 1, 2, 3… with no gap or duplicate. */
function expectConsecutive(seen: SessionWatcher, executionId: string): void {
	const seqs = seen.seqsOf(executionId);
	expect(seqs.length).toBeGreaterThan(0);
	expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

describe('both models on the stand-in (no endpoints, EMBEDDED_MODEL set)', () => {
	it('the snapshot names the stand-in for both; a run of both streams the same greedy text to an editor and a viewer, the text the model gives directly', async () => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: endpoints() });
		const editor = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const viewer = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		for (const { snapshot } of [editor, viewer]) {
			expect(snapshot.standIns).toEqual({ whiterabbitneo: STAND_IN, codet5p: STAND_IN });
			expect(snapshot.notConfigured).toEqual({});
		}

		const s = start(team);
		const { runs: begun } = okData(await request(editor.socket, 'run:start', s, 20_000));
		expect(begun.map((run) => [run.model, run.standIn, run.status])).toEqual([
			['whiterabbitneo', STAND_IN, 'running'],
			['codet5p', STAND_IN, 'running']
		]);

		await Promise.all(begun.map((run) => editor.seen.finishedRun(run.executionId, RUN_TIMEOUT_MS)));
		const alone = await direct(standInText(s), { max_new_tokens: GREEDY.maxTokens, temperature: 0 });
		expect(alone.text).not.toBe('');

		for (const { seen } of [editor, viewer]) {
			for (const run of begun) {
				const final = await seen.finishedRun(run.executionId, RUN_TIMEOUT_MS);
				expect(final).toMatchObject({ status: 'succeeded', standIn: STAND_IN, error: null, cacheOutcome: 'miss' });
				expect(final.finishReason).toMatch(/^(stop|length)$/);
				// Greedy, same model, same plain-text prompt: both slots answer alike, as the model alone does.
				expect(final.text).toBe(alone.text);
				expect(seen.textOf(run.executionId)).toBe(final.text);
				expectConsecutive(seen, run.executionId);
				expect(final.lastSeq).toBe(alone.tokens.length);
				expect(final.promptTokens).toBe(alone.done.usage!.promptTokens);
				expect(final.completionTokens).toBe(alone.done.usage!.completionTokens);
				// Every announcement of the run (started, then with its cache outcome) names the stand-in.
				const announced = seen.started.filter((view) => view.executionId === run.executionId);
				expect(announced.length).toBeGreaterThanOrEqual(1);
				for (const view of announced) expect(view.standIn).toBe(STAND_IN);
			}
		}

		// The chat model's slot got the same one text as the text model's, rendered as the engine renders it.
		for (const run of begun) {
			const row = await runRow(run.executionId);
			expect(row.renderedPrompt).toBe(standInText(s));
			const prepared = prepareRequest(run.model, { content: contentOf(s), variables: s.variables! }, endpoints());
			expect(prepared.prompt).toEqual({ format: 'text', text: standInText(s) });
			expect(renderedPromptText(prepared.prompt)).toBe(row.renderedPrompt);
		}

		// Someone joining afterwards reads the runs from their rows: the stand-in is named there too.
		const late = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		for (const run of begun) {
			expect(late.snapshot.runs.find((view) => view.executionId === run.executionId)).toMatchObject({
				status: 'succeeded',
				standIn: STAND_IN,
				text: alone.text
			});
		}
	}, 90_000);

	it('records each run in execution_history: the stand-in, the slot id, no cost, its token counts and finish reason', async () => {
		const team = await newSessionTeam(CONTENT);
		// A GPU hour so dear that any latency would cost something: the stand-in's zero is its own rule.
		configureGeneration({ endpoints: endpoints(), costPerHourUsd: 10_000 });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const s = start(team);
		const finals = await runToEnd(socket, seen, s);
		const alone = await direct(standInText(s), { max_new_tokens: GREEDY.maxTokens, temperature: 0 });

		const rows = await sessionRows(team.sessionId);
		expect(rows.map((row) => row.modelUsed).sort()).toEqual(['codet5p', 'whiterabbitneo']);
		for (const final of finals) {
			const row = await runRow(final.executionId);
			expect(row).toMatchObject({
				modelUsed: final.model,
				standInModel: STAND_IN,
				status: 'succeeded',
				success: true,
				errorMessage: null,
				outputData: final.text,
				finishReason: alone.done.finishReason,
				promptTokens: alone.done.usage!.promptTokens,
				completionTokens: alone.done.usage!.completionTokens,
				cacheOutcome: 'miss',
				cacheHit: false,
				renderedPrompt: standInText(s),
				parameters: { max_new_tokens: GREEDY.maxTokens, temperature: 0 },
				inputData: s.variables
			});
			expect(row.promptTokens!).toBeGreaterThan(0);
			expect(row.completionTokens!).toBeGreaterThan(0);
			expect(row.tokensUsed).toBe(row.promptTokens! + row.completionTokens!);
			expect(row.estimatedCostUsd!.toString()).toBe('0');
			expect(row.executionTimeMs).toEqual(expect.any(Number));
			expect(row.timeToFirstTokenMs).toEqual(expect.any(Number));
			expect(row.finishedAt).toBeInstanceOf(Date);
			const logged = await loggedTokens(final.executionId);
			expect(logged.map((t) => t.text).join('')).toBe(final.text);
			expect(logged.map((t) => t.seq)).toEqual(logged.map((_, i) => i + 1));
		}
	}, 90_000);
});

describe('the cache and the stand-in', () => {
	it('a greedy run asked again is a hit under model~stand-in; once the model has an endpoint it is not served from that entry', async () => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: endpoints() });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);

		// The request's own stop sequence ends it ('stop'): one from the model's own greedy answer.
		// (An answer ending by itself or at its max tokens is stored too: stand-in-cache.test.ts.)
		const s0 = start(team);
		// Its first four tokens as the stop sequence: the answer is exactly those (or all of it, if shorter).
		const probe = await direct(standInText(s0), { max_new_tokens: GREEDY.maxTokens, temperature: 0 });
		let count = Math.min(4, probe.tokens.length);
		while (count > 1 && probe.tokens.slice(0, count).join('').length > 64) count--;
		const head = probe.tokens.slice(0, count).join('').slice(0, 64);
		const s = { ...s0, parameters: { ...GREEDY, ...(head ? { stop: [head] } : {}) } };

		const first = await runToEnd(socket, seen, s);
		for (const run of first) expect(run).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss', standIn: STAND_IN, finishReason: 'stop' });
		expect(byModel(first, 'whiterabbitneo').text).toBe(byModel(first, 'codet5p').text);
		const answer = byModel(first, 'codet5p').text;
		expect(answer).toBe(probe.tokens.length > count ? head : probe.text);

		const keys = Object.fromEntries(BOTH.map((model) => [model, keyOf(team, s, model, endpoints())])) as Record<ModelId, CacheKey>;
		expect(keys.whiterabbitneo.modelName).toBe('whiterabbitneo~codetune-tiny-code');
		expect(keys.codet5p.modelName).toBe('codet5p~codetune-tiny-code');
		for (const model of BOTH) {
			const stored = await storedAnswer(keys[model]);
			expect(stored.modelName).toBe(`${model}~${STAND_IN}`);
			expect(stored.cachedOutput).toMatchObject({ finishReason: 'stop' });
			expect((stored.cachedOutput as { tokens: string[] }).tokens.join('')).toBe(answer);
		}
		// Nothing under the real models' own names.
		const realKeys = Object.fromEntries(BOTH.map((model) => [model, { ...keys[model], modelName: model }])) as Record<ModelId, CacheKey>;
		for (const model of BOTH) expect(await cacheRow(realKeys[model])).toBeNull();

		const second = await runToEnd(socket, seen, s);
		for (const run of second) {
			expect(run).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', standIn: STAND_IN, text: answer, finishReason: 'stop' });
			expectConsecutive(seen, run.executionId);
			expect(await runRow(run.executionId)).toMatchObject({ cacheHit: true, cacheOutcome: 'hit', standInModel: STAND_IN, outputData: answer });
		}
		for (const model of BOTH) await vi.waitFor(async () => expect((await cacheRow(keys[model]))!.accessCount).toBe(1));

		// WhiteRabbitNeo gets its endpoint: the same start goes to it, not to the stand-in's stored answer.
		const settings = endpoints({ WHITERABBITNEO_ENDPOINT_URL: hub.tgi().url });
		configureGeneration({ endpoints: settings });
		hub.tgi().script({ tokens: ['def ', 'largest', '(items):', '\n    return max(items)'] });
		const after = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		expect(after.snapshot.standIns).toEqual({ codet5p: STAND_IN });
		expect(after.snapshot.notConfigured).toEqual({});

		const third = await runToEnd(after.socket, after.seen, s);
		expect(byModel(third, 'whiterabbitneo')).toMatchObject({
			status: 'succeeded',
			standIn: null,
			cacheOutcome: 'miss',
			text: 'def largest(items):\n    return max(items)'
		});
		expect(byModel(third, 'codet5p')).toMatchObject({ status: 'succeeded', standIn: STAND_IN, cacheOutcome: 'hit', text: answer });
		expect(hub.tgi().requests).toHaveLength(1);
		expect(hub.tgi().requests[0]!.path).toBe('/v1/chat/completions');
		expect(await runRow(byModel(third, 'whiterabbitneo').executionId)).toMatchObject({ standInModel: null, cacheHit: false, modelUsed: 'whiterabbitneo' });

		// The real model's answer is stored under its own name; the stand-in's entry was not taken.
		const realKey = keyOf(team, s, 'whiterabbitneo', settings);
		expect(realKey.modelName).toBe('whiterabbitneo');
		expect((await storedAnswer(realKey)).cachedOutput).toMatchObject({ tokens: ['def ', 'largest', '(items):', '\n    return max(items)'] });
		await vi.waitFor(async () => expect((await cacheRow(keys.codet5p))!.accessCount).toBe(2));
		expect((await cacheRow(keys.whiterabbitneo))!.accessCount).toBe(1);
	}, 90_000);

	it('mixed: one model on its endpoint and the other on the stand-in, in one start, each named as it ran', async () => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: endpoints({ CODET5P_ENDPOINT_URL: hub.tgi().url }) });
		hub.tgi().script({ tokens: ['return ', 'max(items)'], delayMs: 5 });
		const editor = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const viewer = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		expect(viewer.snapshot.standIns).toEqual({ whiterabbitneo: STAND_IN });
		expect(viewer.snapshot.notConfigured).toEqual({});

		const s = start(team);
		const { runs } = okData(await request(editor.socket, 'run:start', s, 20_000));
		expect(runs.map((run) => [run.model, run.standIn])).toEqual([
			['whiterabbitneo', STAND_IN],
			['codet5p', null]
		]);
		const alone = await direct(standInText(s), { max_new_tokens: GREEDY.maxTokens, temperature: 0 });
		for (const { seen } of [editor, viewer]) {
			const finals = await Promise.all(runs.map((run) => seen.finishedRun(run.executionId, RUN_TIMEOUT_MS)));
			expect(byModel(finals, 'whiterabbitneo')).toMatchObject({ status: 'succeeded', standIn: STAND_IN, text: alone.text });
			expect(byModel(finals, 'codet5p')).toMatchObject({ status: 'succeeded', standIn: null, text: 'return max(items)' });
			for (const run of runs) expectConsecutive(seen, run.executionId);
		}
		// The endpoint got the real model's prompt (CodeT5+ takes text), not the stand-in's run.
		expect(hub.tgi().requests).toHaveLength(1);
		expect(hub.tgi().requests[0]!.path).toBe('/v1/completions');
		const rows = await sessionRows(team.sessionId);
		expect(rows.map((row) => [row.modelUsed, row.standInModel]).sort()).toEqual([
			['codet5p', null],
			['whiterabbitneo', STAND_IN]
		]);
		expect(rows.every((row) => row.runGroupId === rows[0]!.runGroupId)).toBe(true);
	}, 90_000);
});

describe('a prompt too long for the stand-in', () => {
	const longCode = () => 'def add(a, b):\n    return a + b\n\n'.repeat(100).slice(0, 3000);

	it('is refused with a clear message before anything is written', async () => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: endpoints() });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const answer = await request(socket, 'run:start', start(team, { variables: { task: longCode(), name: 'add' } }), 20_000);
		expect(answer).toMatchObject({ ok: false, error: { code: 'invalid', event: 'run:start' } });
		if (answer.ok) throw new Error('the start was taken');
		expect(answer.error.message).toMatch(/^The prompt is \d+ tokens long, but the local stand-in model \(codetune-tiny-code\) reads at most 512 tokens, prompt and answer together\./);
		expect(Number(/^The prompt is (\d+) tokens/.exec(answer.error.message)![1])).toBeGreaterThan(512);
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(seen.started).toEqual([]);

		// The same session runs a prompt that fits.
		const finals = await runToEnd(socket, seen, start(team, { parameters: { temperature: 0, maxTokens: 8 } }));
		expect(finals.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
	}, 60_000);

	it('stops the whole start when one model is on the stand-in: the model with an endpoint is not called either', async () => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: endpoints({ WHITERABBITNEO_ENDPOINT_URL: hub.tgi().url }) });
		const { socket } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const answer = await request(socket, 'run:start', start(team, { variables: { task: longCode(), name: 'add' } }), 20_000);
		expect(answer).toMatchObject({ ok: false, error: { code: 'invalid', event: 'run:start' } });
		if (!answer.ok) expect(answer.error.message).toMatch(/^The prompt is \d+ tokens long, .*local stand-in model/);
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	}, 60_000);
});

describe('a cancel on the stand-in', () => {
	it('ends the run cancelled with the text received so far and stops the model', async () => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: endpoints() });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		// A prompt the model does not end early when left alone: its first 200 greedy tokens (the start of
		// the 400 the run asks) show it, and are what a cancelled run's text must begin with.
		const PROBE = 200;
		let s: Start | undefined;
		let whole: Awaited<ReturnType<typeof direct>> | undefined;
		for (const name of ['largest', 'parse_rows', 'main', 'build']) {
			s = start(team, { models: ['codet5p'], parameters: { temperature: 0, maxTokens: 400 } });
			s.variables = { ...s.variables, name };
			whole = await direct(standInText(s), { max_new_tokens: PROBE, temperature: 0 });
			if (whole.done.finishReason === 'length') break;
		}
		expect(whole!.done.finishReason, 'the stand-in ends every probe prompt early: no long run to cancel').toBe('length');
		const { groupId, runs } = okData(await request(socket, 'run:start', s!, 20_000));
		const run = runs[0]!;
		const key = keyOf(team, s!, 'codet5p', endpoints());
		await vi.waitFor(() => expect(seen.seqsOf(run.executionId).length).toBeGreaterThanOrEqual(1), { timeout: RUN_TIMEOUT_MS, interval: 1 });
		// The model request itself (a shared flight, greedy runs may be shared), to see that it stops.
		const flight = sharedFlights().get(flightKey(key));
		expect(flight).toBeDefined();

		const beforeCancel = seen.seqsOf(run.executionId).length;
		expect(okData(await request(socket, 'run:cancel', { sessionId: team.sessionId, groupId }))).toEqual({ cancelled: 1 });
		const final = await seen.finishedRun(run.executionId, RUN_TIMEOUT_MS);
		const atFinish = seen.seqsOf(run.executionId).length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		const received = seen.seqsOf(run.executionId).length;

		expect(final).toMatchObject({ status: 'cancelled', standIn: STAND_IN, finishReason: null });
		expect(final.error).toMatch(/^Cancelled by /);
		expect(final.text).toBe(seen.textOf(run.executionId));
		expect(final.lastSeq).toBe(received);
		expectConsecutive(seen, run.executionId);
		// The run ends as the cancel is taken: nothing after its end. (Not "nothing after the cancel's
		// acknowledgement": room events and the acknowledgement travel apart, so a token sent just
		// before the cancel may reach this socket after the direct acknowledgement.)
		// What came while the cancel travelled (the model keeps decoding, a few ms a token) is a small part.
		expect(received).toBe(atFinish);
		expect(beforeCancel).toBeGreaterThanOrEqual(1);
		expect(received).toBeLessThan(whole!.tokens.length);
		// What arrived is the start of the model's greedy answer.
		expect(whole!.text.startsWith(final.text)).toBe(true);

		const row = await runRow(run.executionId);
		expect(row).toMatchObject({ status: 'cancelled', success: false, standInModel: STAND_IN, outputData: final.text, finishReason: null, completionTokens: received });
		expect(row.estimatedCostUsd!.toString()).toBe('0');
		expect((await loggedTokens(run.executionId)).map((t) => t.text).join('')).toBe(final.text);

		// The model stopped too (its last subscriber left): at most the tokens already decoded follow.
		const state = await flight!.settled;
		expect(state.kind).toBe('failed');
		if (state.kind === 'failed') expect(state.error.kind).toBe('cancelled');
		expect(flight!.tokens.length).toBeLessThanOrEqual(received + 5);
		expect(sharedFlights().has(flightKey(key))).toBe(false);
		// A cancelled answer is never stored.
		expect(await cacheRow(key)).toBeNull();
	}, 90_000);
});

describe('with no stand-in', () => {
	it.each([
		{ name: "EMBEDDED_MODEL 'off'", settings: endpoints({ EMBEDDED_MODEL: 'off' }) },
		// As older settings objects (and the other session tests) say it: no EMBEDDED_MODEL at all.
		{ name: 'EMBEDDED_MODEL left out', settings: { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined } }
	])('and no endpoints ($name): both models are not configured, and a start is refused as before', async ({ settings }) => {
		const team = await newSessionTeam(CONTENT);
		configureGeneration({ endpoints: settings });
		const { socket, seen, snapshot } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		expect(snapshot.standIns).toEqual({});
		expect(Object.keys(snapshot.notConfigured).sort()).toEqual(['codet5p', 'whiterabbitneo']);
		expect(snapshot.notConfigured.whiterabbitneo).toMatch(/^No model endpoint is configured for WhiteRabbitNeo-33B: set WHITERABBITNEO_ENDPOINT_URL /);
		expect(snapshot.notConfigured.codet5p).toMatch(/^No model endpoint is configured for CodeT5\+ 16B: set CODET5P_ENDPOINT_URL /);

		for (const models of [BOTH, ['codet5p'] as ModelId[]]) {
			const answer = await request(socket, 'run:start', start(team, { models }));
			expect(answer).toMatchObject({ ok: false, error: { code: 'not-configured', event: 'run:start' } });
			if (!answer.ok) expect(answer.error.message).toMatch(/^No model endpoint is configured for .*_ENDPOINT_URL /);
		}
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(seen.started).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});
});
