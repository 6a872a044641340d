// The run history of a workspace: the list with its filters, one run re-opened with everything it
// recorded, its rating, and the cache figures operators watch. Members see the runs of the prompts
// they may see; a run whose prompt was deleted stays in the history for owners only.
import { z } from 'zod';
import type { CacheMode, CacheOutcome, PluginReport } from '$lib/realtime/session-events';
import { tokensPerSecond } from '$lib/realtime/session-events';
import { MODELS, isModelId } from '$lib/models';
import { readPluginReports } from '$lib/plugins/report';
import { RUNS_PAGE_SIZE, runRatingSchema, type RunFilters, type RunOriginKind, type RunPage, type RunRatingInput, type RunStatus } from '$lib/schemas/runs';
import { cacheTableFigures, type CacheTableFigures } from '../cache';
import { prisma } from '../db';
import type { Prisma } from '../db';
import { conflict, invalid, notFound } from '../errors';
import { privatePromptRule } from '../prompts';
import type { Member } from '../workspaces';
import { lastSequences } from './token-log';
import { runCoreSelect } from './records';

export interface RunSummary {
	id: string;
	/** Runs started together (both models side by side) share a group; a lone run is its own. */
	groupId: string;
	sessionId: string | null;
	/** Null when the prompt was deleted (only owners see such runs). */
	prompt: { slug: string; name: string } | null;
	/** The committed version that ran; null with a prompt means its live draft. */
	versionNumber: number | null;
	model: string;
	modelName: string;
	/** The embedded model that ran in the model's place, when it had no endpoint. */
	standIn: string | null;
	status: RunStatus;
	startedBy: string | null;
	startedAt: string;
	finishedAt: string | null;
	cacheMode: CacheMode;
	cacheOutcome: CacheOutcome | null;
	timeToFirstTokenMs: number | null;
	latencyMs: number | null;
	promptTokens: number | null;
	completionTokens: number | null;
	totalTokens: number | null;
	costUsd: number | null;
	rating: number | null;
}

export interface RunPartner {
	id: string;
	modelName: string;
	status: RunStatus;
}

export interface RunDetail extends RunSummary {
	source: RunOriginKind;
	renderedPrompt: string;
	variables: Record<string, string>;
	parameters: Record<string, unknown>;
	output: string;
	error: string | null;
	finishReason: string | null;
	ratingComment: string | null;
	tokensPerSecond: number | null;
	session: { id: string; title: string } | null;
	/** The other runs of the same start (the side-by-side partner). */
	partners: RunPartner[];
	/** What the workspace's enabled plugins said about the output when the run ended. */
	plugins: PluginReport[] | null;
}

export interface RunList {
	runs: RunSummary[];
	/** Cursors for the neighbouring pages, or null at either end. */
	newer: { at: Date; id: string } | null;
	older: { at: Date; id: string } | null;
}

export interface CacheFigures {
	hits: number;
	misses: number;
	skips: number;
	/** hits / (hits + misses); null when the cache was never asked. */
	hitRate: number | null;
	table: CacheTableFigures;
}

const summarySelect = {
	...runCoreSelect,
	tokensUsed: true,
	estimatedCostUsd: true,
	prompt: { select: { slug: true, name: true } }
} satisfies Prisma.ExecutionHistorySelect;

const detailSelect = {
	...summarySelect,
	source: true,
	renderedPrompt: true,
	inputData: true,
	parameters: true,
	outputData: true,
	errorMessage: true,
	finishReason: true,
	userFeedbackText: true,
	pluginResults: true,
	session: { select: { id: true, title: true, createdAt: true } }
} satisfies Prisma.ExecutionHistorySelect;

type SummaryRow = Prisma.ExecutionHistoryGetPayload<{ select: typeof summarySelect }>;

const modelName = (model: string) => (isModelId(model) ? MODELS[model].displayName : model);

function toSummary(row: SummaryRow): RunSummary {
	return {
		id: row.id,
		groupId: row.runGroupId ?? row.id,
		sessionId: row.sessionId,
		prompt: row.prompt,
		versionNumber: row.version?.versionNumber ?? null,
		model: row.modelUsed,
		modelName: modelName(row.modelUsed),
		standIn: row.standInModel,
		status: row.status,
		startedBy: row.user?.username ?? null,
		startedAt: row.executedAt.toISOString(),
		finishedAt: row.finishedAt?.toISOString() ?? null,
		cacheMode: row.cacheMode,
		cacheOutcome: row.cacheOutcome,
		timeToFirstTokenMs: row.timeToFirstTokenMs,
		latencyMs: row.executionTimeMs,
		promptTokens: row.promptTokens,
		completionTokens: row.completionTokens,
		totalTokens: row.tokensUsed,
		costUsd: row.estimatedCostUsd === null ? null : row.estimatedCostUsd.toNumber(),
		rating: row.userFeedback
	};
}

/**
 * The runs of the member's workspace the member may see: those of prompts they may see (private
 * prompts: their author and the owners, prompts/privatePromptRule). Owners also keep the runs
 * of deleted prompts; for anyone else a run without a prompt is hidden.
 */
function visibleRuns(member: Member): Prisma.ExecutionHistoryWhereInput {
	const base: Prisma.ExecutionHistoryWhereInput = { workspaceId: member.workspace.id };
	const rule = privatePromptRule(member);
	return rule ? { ...base, prompt: { is: rule } } : base;
}

const DAY_MS = 86_400_000;
const startOfDay = (day: string) => new Date(`${day}T00:00:00Z`);

function dateRange(from: string, to: string): Prisma.ExecutionHistoryWhereInput | null {
	if (!from && !to) return null;
	return { executedAt: { ...(from ? { gte: startOfDay(from) } : {}), ...(to ? { lt: new Date(startOfDay(to).getTime() + DAY_MS) } : {}) } };
}

function filterWhere(filters: RunFilters): Prisma.ExecutionHistoryWhereInput[] {
	const and: Prisma.ExecutionHistoryWhereInput[] = [];
	if (filters.prompt) and.push({ prompt: { is: { slug: filters.prompt } } });
	if (filters.model) and.push({ modelUsed: filters.model });
	if (filters.status) and.push({ status: filters.status });
	if (filters.cache) and.push({ cacheOutcome: filters.cache });
	if (filters.user) and.push({ user: { is: { usernameKey: filters.user.toLowerCase() } } });
	if (filters.session) and.push({ sessionId: filters.session });
	const range = dateRange(filters.from, filters.to);
	if (range) and.push(range);
	return and;
}

/** Newest first, RUNS_PAGE_SIZE at a time, by (executedAt, id) so that new runs never shift a page. */
export async function listRuns(member: Member, filters: RunFilters, page: RunPage = {}): Promise<RunList> {
	const db = await prisma();
	const and = [visibleRuns(member), ...filterWhere(filters)];
	const cursor = page.before ?? page.after;
	const towardsOlder = !page.after;
	if (cursor) {
		and.push(
			towardsOlder
				? { OR: [{ executedAt: { lt: cursor.at } }, { executedAt: cursor.at, id: { lt: cursor.id } }] }
				: { OR: [{ executedAt: { gt: cursor.at } }, { executedAt: cursor.at, id: { gt: cursor.id } }] }
		);
	}
	const order = towardsOlder ? 'desc' : 'asc';
	const rows = await db.executionHistory.findMany({
		where: { AND: and },
		orderBy: [{ executedAt: order }, { id: order }],
		take: RUNS_PAGE_SIZE + 1,
		select: summarySelect
	});
	const more = rows.length > RUNS_PAGE_SIZE;
	const shown = rows.slice(0, RUNS_PAGE_SIZE);
	if (!towardsOlder) shown.reverse();
	const key = (row: SummaryRow | undefined) => (row ? { at: row.executedAt, id: row.id } : null);
	// Coming from a page, that page is still there in the other direction.
	const hasNewer = towardsOlder ? Boolean(page.before) : more;
	const hasOlder = towardsOlder ? more : true;
	return {
		runs: shown.map(toSummary),
		newer: hasNewer ? key(shown[0]) : null,
		older: hasOlder ? key(shown.at(-1)) : null
	};
}

async function findVisibleRun(member: Member, executionId: string) {
	if (!z.uuid().safeParse(executionId).success) throw notFound('That run');
	const db = await prisma();
	const row = await db.executionHistory.findFirst({ where: { AND: [visibleRuns(member), { id: executionId }] }, select: detailSelect });
	if (!row) throw notFound('That run');
	return row;
}

function stringRecord(value: Prisma.JsonValue): Record<string, string> {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
	return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function objectOf(value: Prisma.JsonValue): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
}

/** One run as recorded, with its session and the other runs of its start; 404 when not visible. */
export async function getRun(member: Member, executionId: string): Promise<RunDetail> {
	const row = await findVisibleRun(member, executionId);
	const db = await prisma();
	const [partners, sequences] = await Promise.all([
		row.runGroupId
			? db.executionHistory.findMany({
					where: { AND: [visibleRuns(member), { runGroupId: row.runGroupId, id: { not: row.id } }] },
					orderBy: [{ executedAt: 'asc' }, { id: 'asc' }],
					select: { id: true, modelUsed: true, status: true }
				})
			: [],
		lastSequences([row.id])
	]);
	const summary = toSummary(row);
	return {
		...summary,
		source: row.source,
		renderedPrompt: row.renderedPrompt,
		variables: stringRecord(row.inputData),
		parameters: objectOf(row.parameters),
		output: row.outputData ?? '',
		error: row.errorMessage,
		finishReason: row.finishReason,
		ratingComment: row.userFeedbackText,
		tokensPerSecond:
			// A replay from the cache streams at no model's pace: its rate would read as 28,000 tokens/s.
			summary.status === 'running' || row.cacheOutcome === 'hit'
				? null
				: tokensPerSecond({ lastSeq: sequences.get(row.id) ?? 0, timeToFirstTokenMs: summary.timeToFirstTokenMs, latencyMs: summary.latencyMs }),
		session: row.session
			? { id: row.session.id, title: row.session.title || `Session of ${row.session.createdAt.toISOString().slice(0, 16).replace('T', ' ')}` }
			: null,
		partners: partners.map((p) => ({ id: p.id, modelName: modelName(p.modelUsed), status: p.status })),
		plugins: readPluginReports(row.pluginResults)
	};
}

/**
 * Rates a finished run, 1–5 stars and an optional comment. Any member who can see the run may rate
 * it. A run holds one rating: the last one given replaces the one before, whoever gave it.
 */
export async function rateRun(member: Member, executionId: string, input: RunRatingInput): Promise<{ rating: number; comment: string | null }> {
	const parsed = runRatingSchema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw invalid(issue.message, String(issue.path[0] ?? 'rating'));
	}
	const run = await findVisibleRun(member, executionId);
	const comment = parsed.data.comment || null;
	const db = await prisma();
	// The status is checked in the update itself: a run that is still going is never rated.
	const { count } = await db.executionHistory.updateMany({
		where: { id: run.id, status: { not: 'running' } },
		data: { userFeedback: parsed.data.rating, userFeedbackText: comment }
	});
	if (count === 0) throw conflict('This run is still going; rate it once it has finished.');
	return { rating: parsed.data.rating, comment };
}

/**
 * What the cache did for the workspace's runs (optionally in a range of days, both included), and
 * the shared table as it is now. Counts cover every run of the workspace: they reveal no content.
 */
export async function cacheFigures(member: Member, range: { from?: string; to?: string } = {}): Promise<CacheFigures> {
	const db = await prisma();
	const where: Prisma.ExecutionHistoryWhereInput = { workspaceId: member.workspace.id, cacheOutcome: { not: null }, ...dateRange(range.from ?? '', range.to ?? '') };
	const [groups, table] = await Promise.all([
		db.executionHistory.groupBy({ by: ['cacheOutcome'], where, _count: { _all: true } }),
		cacheTableFigures()
	]);
	const count = (outcome: CacheOutcome) => groups.find((g) => g.cacheOutcome === outcome)?._count._all ?? 0;
	const hits = count('hit');
	const misses = count('miss');
	return { hits, misses, skips: count('skip'), hitRate: hits + misses === 0 ? null : hits / (hits + misses), table };
}
