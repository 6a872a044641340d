// The cache on the embedded stand-in, as a new team meets it: with no endpoint configured, a run
// asked again at temperature 0 is answered from model_cache, whether the model ended its answer by
// itself or at the max tokens the run asked for; so is a sampled run in cache mode "always"; and so
// is the same call made twice to the prompt API. Real PostgreSQL, real socket.io clients, the shipped
// model in this process (sessions) and a studio process of its own (the API).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiRunEventSchemas } from '$lib/api/run-stream';
import type { DraftContent } from '$lib/prompt-doc';
import type { ClientPayload, RunView } from '$lib/realtime/session-events';
import { createApiToken } from '$lib/server/api-tokens';
import { cacheKey, type CacheKey } from '$lib/server/cache';
import { configureGeneration } from '$lib/server/generation';
import { prepareRequest } from '$lib/server/models/gateway';
import { SHIPPED_MODEL_ID } from '$lib/server/models/embedded';
import type { EndpointSettings, ModelId } from '$lib/server/models/registry';
import { commitDraft } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { joinedClient, newSessionTeam, okData, request, runRow, useTestHub, type HubClientSocket, type SessionTeam, type SessionWatcher } from '../helpers/hub-client';
import { uniqueSlug } from '../helpers/unique';
import { setDraft, versionTeam } from './versions-fixtures';

const STAND_IN = SHIPPED_MODEL_ID;
const BOTH: ModelId[] = ['whiterabbitneo', 'codet5p'];
/** Generous: the stand-in shares two cores with whatever else runs (its first use loads it too). */
const RUN_TIMEOUT_MS = 45_000;

/** A function to finish, as the "Complete a function" starter and HumanEval ask: the version samples (0.7). */
const CONTENT: DraftContent = {
	systemPrompt: '',
	userPromptTemplate: 'def {{name}}(items):\n    """Return the largest of {{task}}."""\n',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.7, maxTokens: 512 }
};

const endpoints = (): EndpointSettings => ({ WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined, EMBEDDED_MODEL: STAND_IN });

type Start = ClientPayload<'run:start'>;

function start(team: SessionTeam, parameters: Start['parameters'], over: Partial<Start> = {}): Start {
	return { sessionId: team.sessionId, source: { kind: 'version', versionNumber: 1 }, variables: { task: uniqueSlug('items'), name: 'largest' }, models: BOTH, parameters, ...over };
}

/** The model_cache key of a start's run of `model`, as the engine keys it. */
function keyOf(team: SessionTeam, s: Start, model: ModelId): CacheKey {
	const chosen = Object.fromEntries(Object.entries(s.parameters ?? {}).filter(([, value]) => value !== undefined));
	const content = { ...CONTENT, parameters: { ...CONTENT.parameters, ...chosen } };
	const prepared = prepareRequest(model, { content, variables: s.variables ?? {} }, endpoints());
	return cacheKey(team.workspaceId, model, prepared.prompt, prepared.parameters, STAND_IN);
}

async function cacheRow(key: CacheKey) {
	const db = await prisma();
	return db.modelCache.findUnique({ where: { modelName_promptHash_parametersHash: key } });
}

/** The stored answer, once it is there (it is written as the model request ends). */
const storedAnswer = (key: CacheKey) =>
	vi.waitFor(
		async () => {
			const row = await cacheRow(key);
			if (!row) throw new Error(`no model_cache row for ${key.modelName} yet`);
			return row;
		},
		{ timeout: 5000, interval: 20 }
	);

async function runToEnd(socket: HubClientSocket, seen: SessionWatcher, s: Start): Promise<RunView[]> {
	const { runs } = okData(await request(socket, 'run:start', s, 20_000));
	return Promise.all(runs.map((run) => seen.finishedRun(run.executionId, RUN_TIMEOUT_MS)));
}

describe('a session on the stand-in (no endpoints)', () => {
	const hub = useTestHub();

	/** Runs the start twice on both models: the first is a miss that is stored, the second a hit with its text. */
	async function expectSecondFromCache(parameters: Start['parameters'], over: Partial<Start> = {}) {
		const team = await newSessionTeam(CONTENT);
		const started = start(team, parameters, over);
		configureGeneration({ endpoints: endpoints() });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);

		const first = await runToEnd(socket, seen, started);
		for (const run of first) expect(run).toMatchObject({ status: 'succeeded', standIn: STAND_IN, cacheOutcome: 'miss' });
		for (const model of BOTH) {
			const run = first.find((r) => r.model === model)!;
			expect((await storedAnswer(keyOf(team, started, model))).cachedOutput).toMatchObject({ finishReason: run.finishReason });
		}

		const second = await runToEnd(socket, seen, started);
		for (const run of second) {
			const earlier = first.find((r) => r.model === run.model)!;
			expect(run).toMatchObject({ status: 'succeeded', standIn: STAND_IN, cacheOutcome: 'hit', text: earlier.text, finishReason: earlier.finishReason });
			expect(await runRow(run.executionId)).toMatchObject({ cacheHit: true, cacheOutcome: 'hit', standInModel: STAND_IN, outputData: earlier.text });
		}
		return { first, second };
	}

	it('a run at temperature 0 asked again is answered from the cache, the answer ending by itself', async () => {
		const { first } = await expectSecondFromCache({ temperature: 0 });
		// The version asks 512 tokens; the stand-in writes at most 256, and its answers end on their own.
		for (const run of first) {
			expect((await runRow(run.executionId)).parameters).toMatchObject({ max_new_tokens: 256, temperature: 0 });
			expect(run.completionTokens!).toBeLessThanOrEqual(256);
		}
	}, 120_000);

	it('a run at temperature 0 cut at the max tokens it asked for ("length") is stored and answered from the cache', async () => {
		const { first } = await expectSecondFromCache({ temperature: 0, maxTokens: 3 });
		for (const run of first) expect(run).toMatchObject({ finishReason: 'length', completionTokens: 3 });
	}, 120_000);

	it('a sampled run in cache mode "always" asked again is answered from the cache', async () => {
		await expectSecondFromCache({ temperature: 0.7, maxTokens: 24 }, { cacheMode: 'always' });
	}, 120_000);
});

describe('the prompt API on the stand-in', () => {
	let app: AppServer;
	let team: Awaited<ReturnType<typeof versionTeam>>;
	let token: string;

	beforeAll(async () => {
		[app, team] = await Promise.all([
			startAppServer({ WHITERABBITNEO_ENDPOINT_URL: '', CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: STAND_IN, RUNS_PER_MINUTE_PER_USER: '60' }),
			versionTeam('standincache')
		]);
		await setDraft(team.promptId, { ...CONTENT, parameters: { modelType: 'codet5p', temperature: 0, maxTokens: 512 } });
		await commitDraft(team.author, team.prompt, 'Greedy completion');
		token = (await createApiToken(team.owner, { name: 'runner', scopes: ['run'], expiresInDays: 0 })).token;
	}, 120_000);
	afterAll(async () => {
		await app?.stop();
	});

	async function run(body: unknown) {
		const response = await fetch(`${app.url}/api/v1/prompts/${team.prompt}/run`, {
			method: 'POST',
			body: JSON.stringify({ version: 1, stream: false, ...(body as object) }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }
		});
		expect(response.status).toBe(200);
		return apiRunEventSchemas.done.parse(await response.json());
	}

	/** The key the API's run of the version with these variables and parameters is stored under. */
	async function keyFor(variables: Record<string, string>, parameters: Partial<DraftContent['parameters']>): Promise<CacheKey> {
		const db = await prisma();
		const { workspaceId } = await db.prompt.findUniqueOrThrow({ where: { id: team.promptId }, select: { workspaceId: true } });
		const content = { ...CONTENT, parameters: { modelType: 'codet5p', temperature: 0, maxTokens: 512, ...parameters } };
		const prepared = prepareRequest('codet5p', { content, variables }, endpoints());
		return cacheKey(workspaceId, 'codet5p', prepared.prompt, prepared.parameters, STAND_IN);
	}

	it.each([
		{ name: 'at temperature 0', parameters: {}, cacheMode: undefined },
		{ name: 'at temperature 0, cut at its max tokens', parameters: { maxTokens: 3 }, cacheMode: undefined },
		{ name: 'sampled, in cache mode "always"', parameters: { temperature: 0.7, maxTokens: 24 }, cacheMode: 'always' }
	])('the same call made twice $name: the second is answered from the cache', async ({ parameters, cacheMode }) => {
		const variables = { name: 'largest', task: uniqueSlug('api') };
		const body = { variables, parameters, ...(cacheMode ? { cacheMode } : {}) };
		const first = await run(body);
		expect(first).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss' });
		// The answer is stored as the model request ends, beside the run's own record.
		expect((await storedAnswer(await keyFor(variables, parameters))).cachedOutput).toMatchObject({ finishReason: first.finishReason });
		const second = await run(body);
		expect(second).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', text: first.text });
		const db = await prisma();
		const row = await db.executionHistory.findUniqueOrThrow({ where: { id: second.executionId } });
		expect(row).toMatchObject({ source: 'api', cacheHit: true, cacheOutcome: 'hit', standInModel: STAND_IN, outputData: first.text });
	}, 120_000);
});
