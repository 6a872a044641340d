// Starting, cancelling and reading a session's runs. A start checks who asks, renders the prompt
// for each chosen model, writes the running rows, then gives each run its tokens: from the cache
// (a stored answer, or an identical request already in the air) or from a new upstream request.
import { randomUUID } from 'node:crypto';
import { SESSION_LIMITS, type CacheMode, type PluginReport, type ResyncResult, type RunSource, type RunView, type StartRunRequest } from '$lib/realtime/session-events';
import type { DraftContent } from '$lib/prompt-doc';
import { cacheDecision, cacheKey, flightKey, isCacheable, lookupAnswer, storeAnswer } from '../cache';
import { conflict, forbidden, notFound, type ServiceError } from '../errors';
import { logger } from '../logger';
import { readDraftContent } from '../drafts';
import { checkFits, embeddedModel, fittedParameters, type FormattedPrompt, type GenerationInput, getModel, type ModelId, ModelNotConfiguredError, type PreparedRequest, prepareRequest, promptTokenCount, standIns } from '../models';
import { abandonedAtStart, staleBefore, startBeat, stopBeat } from '../heartbeat';
import { versionByNumber } from '../versions';
import { Flight } from './flight';
import { consumeRunStart } from './limits';
import { createRunRows, failAbandonedRuns, storedRunView, storedRunViews, touchRuns, type RunOriginKind } from './records';
import { activeRuns, runEvents, sharedFlights } from './registry';
import { ActiveRun, type OutputAnalyser } from './active-run';
import { analyseRunOutput, enabledPlugins, transformPrompts } from '../plugins';
import { touchSession, type SessionAccess } from './sessions';
import { generationSettings } from './settings';
import { tokensAfter } from './token-log';

/** The prompt as a reader sees it in history: the text as sent, or the chat turns one after another. */
export function renderedPromptText(prompt: FormattedPrompt): string {
	if (prompt.format === 'text') return prompt.text;
	return prompt.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

async function runContent(access: SessionAccess, request: StartRunRequest): Promise<{ content: DraftContent; versionId: string | null }> {
	const promptId = access.session.promptId;
	if (request.source.kind === 'draft') return { content: await readDraftContent(promptId), versionId: null };
	const version = await versionByNumber(promptId, request.source.versionNumber).catch(() => null);
	if (!version) throw notFound(`Version ${request.source.versionNumber}`);
	return { content: version.content, versionId: version.id };
}

const standInOf = (request: PreparedRequest): string | null => (request.backend.kind === 'embedded' ? request.backend.modelId : null);

/**
 * For a model the embedded stand-in serves: loads it (once per process), names the model actually
 * loaded (a Hub id that could not be had falls back to the shipped one) and refuses, before any row
 * is written, a prompt that leaves it no room to answer. A long prompt's answer is asked for what
 * room the context leaves: the run records, and the cache keys, the limit the answer really has.
 */
async function withStandInChecked(request: PreparedRequest): Promise<PreparedRequest> {
	if (request.backend.kind !== 'embedded' || request.prompt.format !== 'text') return request;
	const model = await embeddedModel().catch((error: unknown) => {
		throw new ModelNotConfiguredError(`${getModel(request.model).displayName} has no endpoint and the local stand-in model could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
	});
	const promptTokens = promptTokenCount(model, request.prompt.text);
	checkFits(model, promptTokens);
	return { ...request, backend: { kind: 'embedded', modelId: model.id }, parameters: fittedParameters(request.parameters, promptTokens, model.contextLength) };
}

/**
 * The models that run on the stand-in, each with the id of the model actually loaded (a Hub id that
 * could not be had falls back to the shipped one): what a session shows is what its runs record.
 */
export async function sessionStandIns(): Promise<Partial<Record<ModelId, string>>> {
	const named = standIns(generationSettings().endpoints);
	if (Object.keys(named).length === 0) return named;
	const loaded = await embeddedModel().then(
		(model) => model.id,
		() => null // the run's start says why; the session still names what was asked for
	);
	return loaded ? Object.fromEntries(Object.keys(named).map((id) => [id, loaded])) : named;
}

/** The version's (or draft's) parameters with the run's own choices laid over them. */
export function withOverrides(content: DraftContent, overrides: StartRunRequest['parameters']): DraftContent {
	const chosen = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
	return { ...content, parameters: { ...content.parameters, ...chosen } };
}

/**
 * Starts the chosen models on the session's prompt. Refuses (ServiceError, or a ModelError of kind
 * not-configured/input) before anything is written when the user may not run, is over the rate
 * limit, the version is missing, a model has no endpoint or a variable is unfilled.
 */
export async function startRuns(access: SessionAccess, request: StartRunRequest): Promise<{ groupId: string; runs: RunView[] }> {
	if (!access.canRun) throw forbidden('Viewers watch sessions; editors and owners run them.');
	await consumeRunStart(access.userId);
	const { content: base, versionId } = await runContent(access, request);
	const input: GenerationInput = { content: withOverrides(base, request.parameters), variables: request.variables };
	const prepared = await prepareRuns(request.models, input);
	const { session } = access;
	const started = await launchRuns(prepared, input, {
		kind: 'studio',
		workspaceId: session.workspaceId,
		promptId: session.promptId,
		versionId,
		sessionId: session.id,
		userId: access.userId,
		apiTokenId: null,
		startedBy: access.username,
		source: request.source,
		cacheMode: request.cacheMode
	});
	// Only the session list's order depends on it: not worth holding up the first token.
	void touchSession(session.id).catch((error) => logger.warn({ err: error }, 'marking a session active failed'));
	return { groupId: started.groupId, runs: started.runs };
}

/** What a run is started for: where its rows go and who (or which API token) started it. */
export interface RunOrigin {
	/** A session's run, the prompt API's, or an evaluation's sample. */
	kind: RunOriginKind;
	workspaceId: string;
	promptId: string;
	versionId: string | null;
	/** Null for a prompt API run: it reaches its HTTP caller, no session room. */
	sessionId: string | null;
	userId: string | null;
	apiTokenId: string | null;
	startedBy: string | null;
	source: RunSource;
	cacheMode: CacheMode;
}

/**
 * Prepares each model's request (rendered prompt, clamped parameters, endpoint or stand-in), the
 * one preparation of each run: its flight streams what this returns. Throws a ModelError
 * (not-configured, input) before anything is written when one cannot run.
 */
export async function prepareRuns(models: readonly ModelId[], input: GenerationInput): Promise<PreparedRequest[]> {
	return Promise.all(models.map((model) => withStandInChecked(prepareRequest(model, input, generationSettings().endpoints))));
}

/**
 * Writes one running row per prepared request (`input` is what they were prepared from: its
 * variables are recorded, as the input plugins left them), announces each run and feeds it (cache,
 * shared flight or upstream). The runs go on by themselves; their events are on runEvents().
 */
export async function launchRuns(
	prepared: PreparedRequest[],
	input: GenerationInput,
	origin: RunOrigin
): Promise<{ groupId: string; runs: RunView[]; /** Each run's prompt as sent, after the input plugins (as history records it). */ sentPrompts: string[] }> {
	const groupId = randomUUID();
	// Read once per start: the plugins enabled now analyse these runs' outputs when they end.
	const plugins = await enabledPlugins(origin.workspaceId).catch((error: unknown) => {
		logger.error({ err: error }, 'reading the enabled plugins failed; the runs go on without them');
		return [];
	});
	// Input plugins (a PII redactor, say) change what each model is sent, and the variables each run
	// records, before anything is recorded: the values they replace are kept nowhere.
	const transformed = plugins.length > 0 ? await transformPrompts(plugins, prepared, input.variables) : null;
	if (transformed && transformed.failed.length > 0) throw inputPluginFailed(transformed.failed);
	if (transformed) prepared = prepared.map((p, i) => ({ ...p, prompt: transformed.prompts[i]! }));
	const analyserFor = (i: number): OutputAnalyser | null => {
		if (plugins.length === 0) return null;
		const before = transformed?.reports[i] ?? [];
		const prompt = prepared[i]!.prompt;
		return async (run) => {
			const after = (await analyseRunOutput(plugins, { ...run, prompt })) ?? [];
			const all = [...before, ...after];
			return all.length > 0 ? all : null;
		};
	};
	const rows = await createRunRows(
		prepared.map((p, i) => ({
			workspaceId: origin.workspaceId,
			promptId: origin.promptId,
			versionId: origin.versionId,
			sessionId: origin.sessionId,
			userId: origin.userId,
			apiTokenId: origin.apiTokenId,
			origin: origin.kind,
			groupId,
			model: p.model,
			standInModel: standInOf(p),
			cacheMode: origin.cacheMode,
			variables: transformed?.variables[i] ?? input.variables,
			renderedPrompt: renderedPromptText(p.prompt),
			parameters: { ...p.parameters }
		}))
	);
	const runs = prepared.map((p, i) => {
		const view: RunView = {
			executionId: rows[i]!.id,
			groupId,
			sessionId: origin.sessionId,
			model: p.model,
			standIn: standInOf(p),
			status: 'running',
			startedBy: origin.startedBy,
			startedAt: rows[i]!.executedAt.toISOString(),
			finishedAt: null,
			source: origin.source,
			cacheMode: origin.cacheMode,
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
			plugins: null
		};
		const run = new ActiveRun(view, origin.kind, analyserFor(i));
		runEvents().emit('started', { ...view });
		void feed(run, p, origin.workspaceId, origin.cacheMode).catch((error) => {
			logger.error({ err: error, executionId: view.executionId }, 'a run could not start');
			run.fail('The run could not start: an internal error was logged.');
		});
		return { ...view };
	});
	return { groupId, runs, sentPrompts: prepared.map((p) => renderedPromptText(p.prompt)) };
}

/**
 * An input plugin that could not run (it threw, ran past its budget, or has bad settings) stops the
 * start: sending the prompt without it would send what the workspace asked it to change (a PII
 * redactor's values, say), so nothing is sent and nothing is recorded.
 */
function inputPluginFailed(failed: PluginReport[]): ServiceError {
	const first = failed[0]!;
	const why = first.status === 'timeout' ? 'ran past its time budget' : first.status === 'bad-config' ? 'has invalid settings' : 'failed';
	return conflict(`${first.name} ${why}, so nothing was sent to the models: try again, or fix or switch it off on the workspace's Plugins page.`);
}

/** Gives a run its tokens: a stored answer, an identical request in the air, or a new request. */
async function feed(run: ActiveRun, request: PreparedRequest, workspaceId: string, mode: StartRunRequest['cacheMode']): Promise<void> {
	if (cacheDecision(mode, request.parameters) === 'skip') {
		run.setCacheOutcome('skip');
		return run.follow(new Flight(request));
	}
	const key = cacheKey(workspaceId, request.model, request.prompt, request.parameters, standInOf(request));
	const id = flightKey(key);
	const inAir = () => {
		const flight = sharedFlights().get(id);
		return flight && !flight.finished ? flight : null;
	};
	let shared = inAir();
	if (!shared) {
		const answer = await lookupAnswer(key).catch((error) => {
			logger.warn({ err: error }, 'the model cache could not be read; calling the model');
			return null;
		});
		if (run.finished) return;
		if (answer) {
			run.setCacheOutcome('hit');
			return run.replay(answer);
		}
		shared = inAir();
	}
	if (shared) {
		run.setCacheOutcome('hit');
		return run.follow(shared);
	}
	run.setCacheOutcome('miss');
	const flight = new Flight(request, (settled, state) => {
		if (sharedFlights().get(id) === settled) sharedFlights().delete(id);
		if (state.kind !== 'done') return;
		const completionTokens = state.result.usage?.completionTokens ?? settled.tokens.length;
		if (!isCacheable({ status: 'succeeded', finishReason: state.result.finishReason, completionTokens }, request.parameters)) return;
		storeAnswer(key, {
			tokens: [...settled.tokens],
			finishReason: state.result.finishReason,
			promptTokens: state.result.usage?.promptTokens ?? null,
			completionTokens
		}).catch((error) => logger.error({ err: error, model: request.model }, 'storing a model answer in the cache failed'));
	});
	sharedFlights().set(id, flight);
	run.follow(flight);
}

/** Cancels the group's runs going on this instance; returns how many it stopped. */
export function cancelRunGroup(access: SessionAccess, groupId: string): number {
	if (!access.canRun) throw forbidden('Viewers watch sessions; editors and owners cancel runs.');
	return cancelLocalGroup(access.session.id, groupId, access.username);
}

/** The cancel itself, also used when another instance relays a cancel it could not serve. */
export function cancelLocalGroup(sessionId: string, groupId: string, by: string | null): number {
	let cancelled = 0;
	for (const run of activeRuns().values()) {
		if (run.view.sessionId === sessionId && run.view.groupId === groupId && run.cancel(by)) cancelled++;
	}
	return cancelled;
}

/** What a participant joining now sees: the recent runs, live ones as they are this instant. */
export async function sessionRunViews(sessionId: string): Promise<RunView[]> {
	const stored = await storedRunViews(sessionId, SESSION_LIMITS.runsInSnapshot, (id) => activeRuns().has(id));
	// Taken after the awaits: for runs on this instance, memory is newer than any event already sent.
	return Promise.all(
		stored.map(async (view) => {
			const live = activeRuns().get(view.executionId);
			if (live) return { ...live.snapshot(), rating: view.rating };
			// Read as running but not running here (any more): it may have ended while we read, so
			// read it again; its row is final before a run leaves the active table.
			if (view.status === 'running') return (await storedRunView(view.executionId)) ?? view;
			return view;
		})
	);
}

/** Tokens of a session's run after `afterSeq`: from memory when it runs here, else from the log. */
export async function resyncRun(sessionId: string, executionId: string, afterSeq: number): Promise<ResyncResult> {
	const live = activeRuns().get(executionId);
	if (live && live.view.sessionId === sessionId) return { executionId, tokens: live.tokensAfter(afterSeq) };
	const view = await storedRunView(executionId);
	if (!view || view.sessionId !== sessionId) throw notFound('The run');
	return { executionId, tokens: await tokensAfter(executionId, afterSeq) };
}

// ---- lifecycle --------------------------------------------------------------------------------

/**
 * Called once at start: runs a stopped instance left `running` end as failed (see
 * abandonedAtStart). Then, every beat, this instance marks its own runs alive and ends the runs of
 * instances that died (SIGKILL, a lost machine), telling their sessions.
 */
export async function startGeneration(): Promise<void> {
	// The beat first: it must go on even when the database is unreachable at start (the sweep throws).
	startBeat('runs', keepRuns);
	const ended = await sweepAbandonedRuns(abandonedAtStart());
	if (ended > 0) logger.warn({ count: ended }, 'runs left unfinished by a stopped studio were marked failed');
	// A model runs on the stand-in: load it now, in the background, so the first run does not wait for it.
	if (Object.keys(standIns(generationSettings().endpoints)).length > 0) {
		void embeddedModel().then(
			(model) => logger.info({ model: model.id, requested: model.requestedId, loadMs: model.loadMs, fallback: model.fallbackReason }, 'embedded stand-in model loaded'),
			(error: unknown) => logger.error({ err: error }, 'the embedded stand-in model could not be loaded; runs of models with no endpoint will fail')
		);
	}
}

/** One beat: this instance's runs are alive; runs nobody has marked alive for too long are not. */
async function keepRuns(): Promise<void> {
	await touchRuns([...activeRuns().keys()]);
	const ended = await sweepAbandonedRuns(staleBefore());
	if (ended > 0) logger.warn({ count: ended }, 'runs whose studio instance stopped were marked failed');
}

/** Ends abandoned runs and sends each session's room the final view (every instance's viewers get it). */
async function sweepAbandonedRuns(staleBeforeDate: Date | null): Promise<number> {
	const ids = await failAbandonedRuns(staleBeforeDate, [...activeRuns().keys()]);
	for (const id of ids) {
		const view = await storedRunView(id);
		if (view?.sessionId) runEvents().emit('finished', view);
	}
	return ids.length;
}

/** Ends every run on this instance as failed (the studio is stopping) and waits until each is recorded. */
export async function closeGeneration(): Promise<void> {
	stopBeat('runs');
	const runs = [...activeRuns().values()];
	for (const run of runs) run.fail('The studio was stopped during this run.');
	for (const flight of sharedFlights().values()) flight.abort(new Error('the studio is stopping'));
	await Promise.all(runs.map((run) => run.whenFinished()));
}
