// execution_history rows of the studio's runs: written when a run starts (running) and finished
// once with its outcome; read back as the RunView participants see. Only the generation domain
// writes execution_history.
import type { CacheMode, CacheOutcome, PluginReport, RunSource, RunView } from '$lib/realtime/session-events';
import { isModelId, type ModelId } from '$lib/models';
import { readPluginReports } from '$lib/plugins/report';
import { runOriginSchema, type FinishedRunStatus, type RunOriginKind } from '$lib/schemas/runs';
import { prisma, Prisma } from '../db';
import { lastSequences } from './token-log';

export type { RunOriginKind };

export interface NewRunRow {
	workspaceId: string;
	promptId: string;
	versionId: string | null;
	sessionId: string | null;
	userId: string | null;
	/** Set for a run started through the prompt API. */
	apiTokenId: string | null;
	/** What started it: a session, the prompt API or an evaluation. */
	origin: RunOriginKind;
	groupId: string;
	model: ModelId;
	standInModel: string | null;
	cacheMode: CacheMode;
	variables: Record<string, unknown>;
	renderedPrompt: string;
	parameters: Record<string, unknown>;
}

export interface RunOutcome {
	status: FinishedRunStatus;
	output: string;
	error: string | null;
	finishReason: string | null;
	timeToFirstTokenMs: number | null;
	latencyMs: number;
	promptTokens: number | null;
	completionTokens: number | null;
	cacheOutcome: CacheOutcome | null;
	costUsd: number;
	/** The enabled plugins' reports on the output (null when none ran). */
	plugins: PluginReport[] | null;
}

/** Creates the rows of a start, all running, in one statement; returns their ids in order. */
export async function createRunRows(rows: NewRunRow[]): Promise<{ id: string; executedAt: Date }[]> {
	const db = await prisma();
	return db.executionHistory.createManyAndReturn({
		data: rows.map((row) => ({
			workspaceId: row.workspaceId,
			promptId: row.promptId,
			versionId: row.versionId,
			sessionId: row.sessionId,
			userId: row.userId,
			apiTokenId: row.apiTokenId,
			runGroupId: row.groupId,
			source: row.origin,
			status: 'running' as const,
			modelUsed: row.model,
			standInModel: row.standInModel,
			cacheMode: row.cacheMode,
			inputData: row.variables as Prisma.InputJsonValue,
			renderedPrompt: row.renderedPrompt,
			parameters: row.parameters as Prisma.InputJsonValue
		})),
		select: { id: true, executedAt: true }
	});
}

export async function finishRunRow(id: string, outcome: RunOutcome): Promise<Date> {
	const db = await prisma();
	const finishedAt = new Date();
	await db.executionHistory.update({
		where: { id },
		data: {
			status: outcome.status,
			success: outcome.status === 'succeeded',
			finishedAt,
			outputData: outcome.output,
			errorMessage: outcome.error,
			finishReason: outcome.finishReason,
			timeToFirstTokenMs: outcome.timeToFirstTokenMs,
			executionTimeMs: outcome.latencyMs,
			promptTokens: outcome.promptTokens,
			completionTokens: outcome.completionTokens,
			tokensUsed: outcome.promptTokens === null && outcome.completionTokens === null ? null : (outcome.promptTokens ?? 0) + (outcome.completionTokens ?? 0),
			cacheOutcome: outcome.cacheOutcome,
			cacheHit: outcome.cacheOutcome === 'hit',
			estimatedCostUsd: outcome.costUsd.toFixed(6),
			pluginResults: outcome.plugins === null ? Prisma.DbNull : (outcome.plugins as unknown as Prisma.InputJsonValue)
		}
	});
	return finishedAt;
}

const ABANDONED_MESSAGE = 'The studio instance running this stopped before it finished; the run was not completed.';

/**
 * Runs left `running` by an instance that stopped mid-run end as failed, so no run spins forever:
 * all of them when this is the only instance (no Redis), else those whose heartbeat is older than
 * `staleBefore` (their instance stopped marking them alive), never one of `runningHere`. Returns
 * the ids it ended.
 */
export async function failAbandonedRuns(staleBefore: Date | null, runningHere: string[] = []): Promise<string[]> {
	const db = await prisma();
	const where: Prisma.ExecutionHistoryWhereInput = {
		status: 'running',
		id: { notIn: runningHere },
		source: { in: runOriginSchema.options },
		...(staleBefore ? { heartbeatAt: { lt: staleBefore } } : {})
	};
	// At most a batch a beat: a long-dead instance's backlog goes over a few beats.
	const ended = await db.executionHistory.updateManyAndReturn({
		where,
		data: { status: 'failed', success: false, finishedAt: new Date(), errorMessage: ABANDONED_MESSAGE },
		select: { id: true },
		limit: 500
	});
	return ended.map((row) => row.id);
}

/** Marks this instance's running runs alive (the sweepers of every instance leave them alone). */
export async function touchRuns(executionIds: string[]): Promise<void> {
	if (executionIds.length === 0) return;
	const db = await prisma();
	await db.executionHistory.updateMany({ where: { id: { in: executionIds }, status: 'running' }, data: { heartbeatAt: new Date() } });
}

/** What every reading of a run selects: the live view here, history's summary and detail too. */
export const runCoreSelect = {
	id: true,
	runGroupId: true,
	sessionId: true,
	modelUsed: true,
	standInModel: true,
	status: true,
	executedAt: true,
	finishedAt: true,
	cacheMode: true,
	cacheOutcome: true,
	timeToFirstTokenMs: true,
	executionTimeMs: true,
	promptTokens: true,
	completionTokens: true,
	userFeedback: true,
	user: { select: { username: true } },
	version: { select: { versionNumber: true } }
} satisfies Prisma.ExecutionHistorySelect;

const viewSelect = {
	...runCoreSelect,
	pluginResults: true,
	outputData: true,
	errorMessage: true,
	finishReason: true
} satisfies Prisma.ExecutionHistorySelect;

type ViewRow = Prisma.ExecutionHistoryGetPayload<{ select: typeof viewSelect }>;

export function toRunView(row: ViewRow, lastSeq: number, liveText?: string): RunView {
	const source: RunSource = row.version ? { kind: 'version', versionNumber: row.version.versionNumber } : { kind: 'draft' };
	return {
		executionId: row.id,
		groupId: row.runGroupId ?? row.id,
		sessionId: row.sessionId,
		model: isModelId(row.modelUsed) ? row.modelUsed : 'whiterabbitneo',
		standIn: row.standInModel,
		status: row.status,
		startedBy: row.user?.username ?? null,
		startedAt: row.executedAt.toISOString(),
		finishedAt: row.finishedAt?.toISOString() ?? null,
		source,
		cacheMode: row.cacheMode,
		cacheOutcome: row.cacheOutcome,
		waitingMessage: null,
		text: liveText ?? row.outputData ?? '',
		lastSeq,
		finishReason: row.finishReason,
		error: row.errorMessage,
		timeToFirstTokenMs: row.timeToFirstTokenMs,
		latencyMs: row.executionTimeMs,
		promptTokens: row.promptTokens,
		completionTokens: row.completionTokens,
		rating: row.userFeedback,
		plugins: readPluginReports(row.pluginResults)
	};
}

/**
 * A session's most recent runs as stored, newest first, with their logged text for running ones,
 * except those `runsHere` says this instance holds in memory (the caller has their text already).
 */
export async function storedRunViews(sessionId: string, take: number, runsHere: (executionId: string) => boolean): Promise<RunView[]> {
	const db = await prisma();
	const rows = await db.executionHistory.findMany({ where: { sessionId }, orderBy: [{ executedAt: 'desc' }, { id: 'desc' }], take, select: viewSelect });
	const sequences = await lastSequences(rows.map((row) => row.id));
	const views: RunView[] = [];
	for (const row of rows) {
		const lastSeq = sequences.get(row.id) ?? 0;
		views.push(runsHere(row.id) ? toRunView(row, lastSeq) : await withLoggedText(row, lastSeq));
	}
	return views;
}

/**
 * A running row's text so far is what its token log holds (it may run on another instance); the
 * text and the sequence number come from the same read, so they agree.
 */
async function withLoggedText(row: ViewRow, lastSeq: number): Promise<RunView> {
	if (row.status !== 'running') return toRunView(row, lastSeq);
	const db = await prisma();
	const chunks = await db.executionChunk.findMany({ where: { executionId: row.id }, orderBy: { seq: 'asc' }, select: { seq: true, text: true } });
	return toRunView(row, chunks.at(-1)?.seq ?? 0, chunks.map((chunk) => chunk.text).join(''));
}

/** One run as stored, or null. */
export async function storedRunView(executionId: string): Promise<RunView | null> {
	const db = await prisma();
	const row = await db.executionHistory.findUnique({ where: { id: executionId }, select: viewSelect });
	if (!row) return null;
	const sequences = await lastSequences([row.id]);
	return withLoggedText(row, sequences.get(row.id) ?? 0);
}
