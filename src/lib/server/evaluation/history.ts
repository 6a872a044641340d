// Reading evaluations back: a prompt's evaluations (newest first) with a comparison of the best
// pass@1 per version and model, and one evaluation with its per-problem results. Members who may
// see the prompt may read them.
import type { EvaluationStatus } from '$lib/schemas/evaluation';
import { notFound } from '../errors';
import { prisma } from '../db';
import type { Prisma } from '../db';
import { getPrompt } from '../prompts';
import type { Member } from '../workspaces';

export interface EvaluationSummary {
	id: string;
	versionNumber: number | null;
	model: string;
	benchmark: string;
	dataset: string;
	status: EvaluationStatus;
	samplesPerProblem: number;
	totalProblems: number;
	completedProblems: number;
	passAt1: number | null;
	passAtK: Record<string, number> | null;
	error: string | null;
	startedBy: string | null;
	createdAt: string;
	finishedAt: string | null;
}

export interface ProblemResult {
	taskId: string;
	samples: { index: number; outcome: 'passed' | 'failed' | 'timeout' | 'error'; detail: string | null; durationMs: number | null; completion: string }[];
}

const summarySelect = {
	id: true,
	modelId: true,
	benchmark: true,
	parameters: true,
	status: true,
	samplesPerProblem: true,
	totalProblems: true,
	completedProblems: true,
	passAt1: true,
	passAtK: true,
	error: true,
	createdAt: true,
	finishedAt: true,
	version: { select: { versionNumber: true } },
	createdBy: { select: { username: true } }
} satisfies Prisma.EvaluationRunSelect;

type SummaryRow = Prisma.EvaluationRunGetPayload<{ select: typeof summarySelect }>;

function toSummary(row: SummaryRow): EvaluationSummary {
	const parameters = (row.parameters ?? {}) as { dataset?: unknown };
	return {
		id: row.id,
		versionNumber: row.version?.versionNumber ?? null,
		model: row.modelId,
		benchmark: row.benchmark,
		dataset: typeof parameters.dataset === 'string' ? parameters.dataset : '',
		status: row.status,
		samplesPerProblem: row.samplesPerProblem,
		totalProblems: row.totalProblems,
		completedProblems: row.completedProblems,
		passAt1: row.passAt1,
		passAtK: (row.passAtK as Record<string, number> | null) ?? null,
		error: row.error,
		startedBy: row.createdBy?.username ?? null,
		createdAt: row.createdAt.toISOString(),
		finishedAt: row.finishedAt?.toISOString() ?? null
	};
}

export interface EvaluationComparison {
	versionNumber: number;
	model: string;
	/** The best finished evaluation's pass@1 of this version on this model, and over how many problems. */
	passAt1: number;
	problems: number;
}

export async function listEvaluations(member: Member, promptSlug: string): Promise<{ evaluations: EvaluationSummary[]; comparison: EvaluationComparison[] }> {
	const prompt = await getPrompt(member, promptSlug);
	const rows = await (await prisma()).evaluationRun.findMany({ where: { promptId: prompt.id }, orderBy: { createdAt: 'desc' }, take: 100, select: summarySelect });
	const evaluations = rows.map(toSummary);
	const best = new Map<string, EvaluationComparison>();
	for (const e of evaluations) {
		if (e.status !== 'succeeded' || e.passAt1 === null || e.versionNumber === null) continue;
		const key = `${e.versionNumber}:${e.model}`;
		const seen = best.get(key);
		// The most problems first (a full run over a short one), then the higher score.
		if (!seen || e.totalProblems > seen.problems || (e.totalProblems === seen.problems && e.passAt1 > seen.passAt1)) {
			best.set(key, { versionNumber: e.versionNumber, model: e.model, passAt1: e.passAt1, problems: e.totalProblems });
		}
	}
	const comparison = [...best.values()].sort((a, b) => a.versionNumber - b.versionNumber || a.model.localeCompare(b.model));
	return { evaluations, comparison };
}

export async function getEvaluation(member: Member, promptSlug: string, id: string): Promise<{ evaluation: EvaluationSummary; problems: ProblemResult[] }> {
	const prompt = await getPrompt(member, promptSlug);
	const db = await prisma();
	const row = await db.evaluationRun.findFirst({ where: { id, promptId: prompt.id }, select: summarySelect });
	if (!row) throw notFound('The evaluation');
	const results = await db.evaluationResult.findMany({
		where: { runId: id },
		orderBy: [{ createdAt: 'asc' }, { sampleIndex: 'asc' }],
		select: { taskId: true, sampleIndex: true, outcome: true, detail: true, durationMs: true, completion: true }
	});
	const problems = new Map<string, ProblemResult>();
	for (const r of results) {
		const problem = problems.get(r.taskId) ?? { taskId: r.taskId, samples: [] };
		problem.samples.push({ index: r.sampleIndex, outcome: r.outcome, detail: r.detail, durationMs: r.durationMs, completion: r.completion });
		problems.set(r.taskId, problem);
	}
	return { evaluation: toSummary(row), problems: [...problems.values()] };
}
