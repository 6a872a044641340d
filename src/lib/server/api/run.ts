// Running a prompt through the API: the version a label or number names, rendered with the caller's
// variables, on one model. The run is the studio's own (generation domain): recorded in
// execution_history with source `api` and the token, answered from model_cache like a studio run,
// shared with an identical request in the air. The caller follows it as server-sent events.
import { isModelId, type ModelId } from '$lib/models';
import type { ApiRunRequest, ApiRunResult } from '$lib/api/run-stream';
import type { RunView } from '$lib/realtime/session-events';
import type { ApiCaller } from '../api-tokens';
import { consumeRunStart, launchRuns, prepareRuns, withOverrides } from '../generation';
import { ModelError } from '../models';
import type { GenerationInput } from '../models';
import { ApiError } from './errors';
import { requireVariables, resolveApiVersion } from './prompts';

export interface StartedApiRun {
	run: RunView;
	/** The prompt as sent to the model (chat turns one after another for a chat model). */
	prompt: string;
	version: number;
}

/** The model a run uses: the one asked for, else the version's own when the studio knows it. */
function chosenModel(request: ApiRunRequest, versionModel: string): ModelId {
	if (request.model) return request.model;
	return isModelId(versionModel) ? versionModel : 'whiterabbitneo';
}

/**
 * Starts the run, or refuses before anything is written: unknown prompt/label/version (404),
 * missing variables (400 naming them), too many runs for this token (429), a model that cannot
 * run here (503 model_unavailable) or a prompt it cannot take (400).
 */
export async function startApiRun(caller: ApiCaller, slug: string, request: ApiRunRequest): Promise<StartedApiRun> {
	const { fetched, promptId, versionId } = await resolveApiVersion(caller, slug, { label: request.label, version: request.version });
	requireVariables(fetched.content.userPromptTemplate, request.variables);
	// Counted per token, with the same budget a person has in the studio.
	await consumeRunStart(`api-token:${caller.tokenId}`);

	const model = chosenModel(request, fetched.content.parameters.modelType);
	const input: GenerationInput = { content: withOverrides(fetched.content, request.parameters), variables: request.variables };
	const prepared = await prepareRuns([model], input).catch((error: unknown) => {
		if (error instanceof ModelError && error.kind === 'not-configured') throw new ApiError('model_unavailable', error.message, { model });
		if (error instanceof ModelError && error.kind === 'input') throw new ApiError('invalid_request', error.message);
		throw error;
	});
	const { runs, sentPrompts } = await launchRuns(prepared, input, {
		kind: 'api',
		workspaceId: caller.workspaceId,
		promptId,
		versionId,
		sessionId: null,
		userId: caller.createdById,
		apiTokenId: caller.tokenId,
		startedBy: null,
		source: { kind: 'version', versionNumber: fetched.version.number },
		cacheMode: request.cacheMode
	});
	return { run: runs[0]!, prompt: sentPrompts[0]!, version: fetched.version.number };
}

/** The run's end as the API reports it (the `done` event, or the body with stream: false). */
export function apiRunResult(run: RunView): ApiRunResult {
	return {
		executionId: run.executionId,
		status: run.status === 'succeeded' || run.status === 'cancelled' ? run.status : 'failed',
		text: run.text,
		finishReason: run.finishReason,
		error: run.error,
		cacheOutcome: run.cacheOutcome,
		timeToFirstTokenMs: run.timeToFirstTokenMs,
		latencyMs: run.latencyMs,
		promptTokens: run.promptTokens,
		completionTokens: run.completionTokens
	};
}
