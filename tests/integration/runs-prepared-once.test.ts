// A run is prepared once: the session's start renders each model's prompt (prepareRequest), and the
// run's model request streams that prepared request as it is; the gateway never renders it again.
// What the preparation decides is unchanged by it: the prompt the model is sent, the prompt history
// records, and the key a deterministic answer is cached under (asked again, it is a hit).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { ClientPayload } from '$lib/realtime/session-events';
import * as template from '$lib/template';
import { cacheKey } from '$lib/server/cache';
import { generationSettings, renderedPromptText, withOverrides } from '$lib/server/generation';
import * as models from '$lib/server/models';
import { versionByNumber } from '$lib/server/versions';
import { prisma } from '../helpers/db';
import { joinedClient, newSessionTeam, okData, request, runRequest, runRow, useTestHub, type SessionTeam } from '../helpers/hub-client';

const hub = useTestHub();

// Every preparation a run asks for, through the models domain's entrance, and every rendering of a
// template, wherever it happens (prepareRequest renders; a second preparation inside the gateway
// would render again without passing the entrance).
let prepares: MockInstance<typeof models.prepareRequest>;
let renders: MockInstance<typeof template.renderTemplate>;
beforeAll(() => {
	prepares = vi.spyOn(models, 'prepareRequest');
	renders = vi.spyOn(template, 'renderTemplate');
});
beforeEach(() => {
	prepares.mockClear();
	renders.mockClear();
});
afterAll(() => {
	prepares.mockRestore();
	renders.mockRestore();
});

type Start = ClientPayload<'run:start'>;

/** The request a start's run of `model` sends, prepared here as the engine prepares it. */
async function preparedFor(team: SessionTeam, start: Start, model: models.ModelId): Promise<models.PreparedRequest> {
	const version = await versionByNumber(team.promptId, 1);
	const input = { content: withOverrides(version.content, start.parameters ?? {}), variables: start.variables ?? {} };
	const prepared = models.prepareRequest(model, input, generationSettings().endpoints);
	prepares.mockClear();
	renders.mockClear();
	return prepared;
}

describe('a run is prepared once', () => {
	it('each model of a start is prepared and rendered once; the model is sent, and history records, that prompt', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['def ', 'add(a, b)'] });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { models: ['whiterabbitneo', 'codet5p'], cacheMode: 'never' });
		const expected = {
			whiterabbitneo: await preparedFor(team, start, 'whiterabbitneo'),
			codet5p: await preparedFor(team, start, 'codet5p')
		};

		const before = hub.tgi().requests.length;
		const { runs } = okData(await request(socket, 'run:start', start));
		const finished = await Promise.all(runs.map((run) => seen.finishedRun(run.executionId)));
		expect(finished.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);

		expect(prepares.mock.calls.map(([model]) => model).sort()).toEqual(['codet5p', 'whiterabbitneo']);
		expect(renders).toHaveBeenCalledTimes(2);

		// WhiteRabbitNeo is sent chat turns, CodeT5+ one text: each exactly as prepared.
		const sent = hub.tgi().requests.slice(before).map((received) => received.body as { model: string; messages?: unknown; prompt?: unknown });
		expect(sent).toHaveLength(2);
		const chat = expected.whiterabbitneo.prompt;
		const text = expected.codet5p.prompt;
		if (chat.format !== 'chat' || text.format !== 'text') throw new Error('the models take chat turns and a text');
		expect(sent.find((body) => body.messages)?.messages).toEqual(chat.messages);
		expect(sent.find((body) => body.prompt)?.prompt).toBe(text.text);
		for (const run of runs) {
			expect((await runRow(run.executionId)).renderedPrompt).toBe(renderedPromptText(expected[run.model as models.ModelId].prompt));
		}
	});

	it('a deterministic answer is stored under the key of the prepared request, and the same start asked again is a hit', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['cached ', 'answer'] });
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const start = runRequest(team, { parameters: { temperature: 0 } });
		const prepared = await preparedFor(team, start, 'whiterabbitneo');
		const key = cacheKey(team.workspaceId, 'whiterabbitneo', prepared.prompt, prepared.parameters);

		const before = hub.tgi().requests.length;
		const first = await seen.finishedRun(okData(await request(socket, 'run:start', start)).runs[0]!.executionId);
		expect(first).toMatchObject({ status: 'succeeded', cacheOutcome: 'miss' });
		const stored = await vi.waitFor(
			async () => {
				const row = await (await prisma()).modelCache.findUnique({ where: { modelName_promptHash_parametersHash: key } });
				if (!row) throw new Error('no model_cache row under the prepared request’s key yet');
				return row;
			},
			{ timeout: 5000, interval: 20 }
		);
		expect(stored.cachedOutput).toMatchObject({ tokens: ['cached ', 'answer'] });

		const second = await seen.finishedRun(okData(await request(socket, 'run:start', start)).runs[0]!.executionId);
		expect(second).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', text: 'cached answer' });
		expect(hub.tgi().requests.length - before).toBe(1);
		// Two runs, two preparations: the hit was prepared too, to find its key, and sent nothing.
		expect(prepares).toHaveBeenCalledTimes(2);
		expect(renders).toHaveBeenCalledTimes(2);
	});
});
