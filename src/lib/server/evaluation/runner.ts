// Evaluating a prompt version on a benchmark: each problem's prompt goes into the version's template
// ({{prompt}}, and {{entry_point}} / {{task_id}} when used) and runs on the model as an ordinary run
// of the studio (an execution_history row with source `evaluation`, model_cache and single flight
// as for any run); each answer becomes a program (program.ts) that runs with the problem's test in
// the sandbox; results are stored as they come, progress is counted per problem, and pass@1 (and
// pass@k for k samples) is recorded at the end. A sample that fails to generate is an `error`.
import type { RunView } from '$lib/realtime/session-events';
import type { StartEvaluationInput } from '$lib/schemas/evaluation';
import { extractVariables } from '$lib/template';
import { prisma } from '../db';
import { forbidden, invalid, notFound } from '../errors';
import { followRun, launchRuns, prepareRuns, withOverrides } from '../generation';
import { staleBefore, startBeat } from '../heartbeat';
import { logger } from '../logger';
import type { GenerationInput } from '../models';
import { getPrompt } from '../prompts';
import { versionByNumber } from '../versions';
import { capabilities, type Member } from '../workspaces';
import { chosenBenchmark } from './benchmarks';
import { DatasetError, loadProblems, type Problem } from './dataset';
import { meanPassAtK, reportedKs } from './pass-at-k';
import { programFor } from './program';
import { releaseSandbox, runInSandbox, warmSandbox, type SandboxResult } from './sandbox';
import { evaluationSettings } from './settings';

/** Problems worked on at once: each sample is a model request, then a run in a sandbox interpreter. */
const CONCURRENT_PROBLEMS = 2;
/** Variables a benchmark fills; a template that needs any other cannot be evaluated. */
const BENCHMARK_VARIABLES = new Set(['prompt', 'entry_point', 'task_id']);

const cancelled = new Set<string>();
const running = new Map<string, Promise<void>>();

/**
 * Checks and starts an evaluation; it goes on in the background (`whenEvaluated` waits for it).
 * Editors and owners only; the template must take the problem through {{prompt}}.
 */
export async function startEvaluation(member: Member, promptSlug: string, input: StartEvaluationInput): Promise<{ id: string; problems: number }> {
	if (!capabilities(member).run) throw forbidden('Viewers cannot start evaluations.');
	const prompt = await getPrompt(member, promptSlug);
	const version = await versionByNumber(prompt.id, input.versionNumber).catch(() => {
		throw notFound(`Version ${input.versionNumber}`);
	});
	const variables = extractVariables(version.content.userPromptTemplate);
	if (!variables.includes('prompt')) throw invalid('The template must take each problem as {{prompt}}.', 'versionNumber');
	const unknown = variables.filter((name) => !BENCHMARK_VARIABLES.has(name));
	if (unknown.length > 0) throw invalid(`A benchmark fills only {{prompt}}, {{entry_point}} and {{task_id}}; this template also needs ${unknown.map((v) => `{{${v}}}`).join(', ')}.`, 'versionNumber');
	const benchmark = await chosenBenchmark(input.dataset);
	let problems: Problem[];
	try {
		problems = (await loadProblems(benchmark.location, benchmark.label, evaluationSettings().datasetHosts)).slice(0, input.problemLimit);
	} catch (error) {
		// A benchmark that cannot be used is the form's answer, with what went wrong: never a 500 or an outage page.
		if (error instanceof DatasetError) throw invalid(error.message, 'dataset');
		throw error;
	}
	const db = await prisma();
	const run = await db.evaluationRun.create({
		data: {
			workspaceId: member.workspace.id,
			promptId: prompt.id,
			versionId: version.id,
			benchmark: benchmark.kind,
			modelId: input.model,
			samplesPerProblem: input.samplesPerProblem,
			parameters: { temperature: input.temperature, dataset: benchmark.label },
			status: 'running',
			totalProblems: problems.length,
			createdById: member.user.id,
			startedAt: new Date()
		},
		select: { id: true }
	});
	// An interpreter starts (seconds, cold) while the first answers are generated.
	warmSandbox(run.id, evaluationSettings().sampleMemoryBytes);
	const work = evaluate(run.id, { member, promptId: prompt.id, versionId: version.id, versionNumber: version.number, content: version.content, input, problems })
		.catch(async (error: unknown) => {
			logger.error({ err: error, evaluationId: run.id }, 'an evaluation failed');
			await db.evaluationRun.update({ where: { id: run.id }, data: { status: 'failed', error: 'The evaluation stopped on an internal error (logged).', finishedAt: new Date() } });
		})
		.finally(() => {
			releaseSandbox(run.id);
			running.delete(run.id);
			cancelled.delete(run.id);
		});
	running.set(run.id, work);
	return { id: run.id, problems: problems.length };
}

/** Resolves once the evaluation (running on this instance) has ended. */
export function whenEvaluated(id: string): Promise<void> {
	return running.get(id) ?? Promise.resolve();
}

/**
 * Stops an evaluation of this instance after the samples in progress. It must be one of the prompt's
 * evaluations, and the prompt one the member sees: a private prompt's stay out of other editors' reach.
 */
export async function cancelEvaluation(member: Member, promptSlug: string, id: string): Promise<void> {
	if (!capabilities(member).run) throw forbidden('Viewers cannot cancel evaluations.');
	const prompt = await getPrompt(member, promptSlug);
	const row = await (await prisma()).evaluationRun.findFirst({ where: { id, promptId: prompt.id }, select: { status: true } });
	if (!row) throw notFound('The evaluation');
	if (row.status === 'running') cancelled.add(id);
}

interface Plan {
	member: Member;
	promptId: string;
	versionId: string;
	versionNumber: number;
	content: Awaited<ReturnType<typeof versionByNumber>>['content'];
	input: StartEvaluationInput;
	problems: Problem[];
}

async function generate(plan: Plan, problem: Problem): Promise<{ text: string } | { error: string }> {
	const input: GenerationInput = {
		content: withOverrides(plan.content, { temperature: plan.input.temperature }),
		variables: { prompt: problem.prompt, entry_point: problem.entry_point, task_id: problem.task_id }
	};
	const prepared = await prepareRuns([plan.input.model], input);
	const { runs } = await launchRuns(prepared, input, {
		kind: 'evaluation',
		workspaceId: plan.member.workspace.id,
		promptId: plan.promptId,
		versionId: plan.versionId,
		sessionId: null,
		userId: plan.member.user.id,
		apiTokenId: null,
		startedBy: plan.member.user.username,
		source: { kind: 'version', versionNumber: plan.versionNumber },
		cacheMode: plan.input.cacheMode
	});
	const run = await new Promise<RunView>((resolve) => followRun(runs[0]!.executionId, { waiting() {}, token() {}, finished: resolve }));
	return run.status === 'succeeded' ? { text: run.text } : { error: run.error ?? `The run ended ${run.status}.` };
}

async function sample(plan: Plan, runId: string, problem: Problem, index: number): Promise<boolean> {
	const generated = await generate(plan, problem).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
	let result: SandboxResult | null = null;
	if ('text' in generated) {
		const { sampleTimeoutMs, sampleMemoryBytes } = evaluationSettings();
		// The evaluation's own interpreters: no other evaluation's sample ever runs in them.
		result = await runInSandbox(await programFor(problem, generated.text), { timeoutMs: sampleTimeoutMs, memoryBytes: sampleMemoryBytes }, { owner: runId });
	}
	await (await prisma()).evaluationResult.create({
		data: {
			runId,
			taskId: problem.task_id,
			sampleIndex: index,
			outcome: result ? result.outcome : 'error',
			completion: 'text' in generated ? generated.text : '',
			detail: result ? result.detail || null : 'error' in generated ? generated.error : null,
			durationMs: result?.durationMs ?? null
		}
	});
	return result?.outcome === 'passed';
}

async function evaluate(runId: string, plan: Plan): Promise<void> {
	const db = await prisma();
	const n = plan.input.samplesPerProblem;
	const counts: { n: number; c: number }[] = [];
	let next = 0;
	const worker = async () => {
		while (next < plan.problems.length && !cancelled.has(runId)) {
			const problem = plan.problems[next++]!;
			let passed = 0;
			for (let i = 0; i < n && !cancelled.has(runId); i++) if (await sample(plan, runId, problem, i)) passed++;
			if (cancelled.has(runId)) return;
			counts.push({ n, c: passed });
			await db.evaluationRun.update({ where: { id: runId }, data: { completedProblems: { increment: 1 } } });
		}
	};
	await Promise.all(Array.from({ length: CONCURRENT_PROBLEMS }, worker));
	if (cancelled.has(runId)) {
		await db.evaluationRun.update({ where: { id: runId }, data: { status: 'cancelled', finishedAt: new Date() } });
		return;
	}
	const passAtK = Object.fromEntries(reportedKs(n).map((k) => [String(k), meanPassAtK(counts, k)]));
	await db.evaluationRun.update({ where: { id: runId }, data: { status: 'succeeded', passAt1: passAtK['1'] ?? null, passAtK, finishedAt: new Date() } });
}

const ABANDONED = 'The studio instance running this evaluation stopped; start it again.';

/**
 * Evaluations left running by a stopped instance end as failed: those nobody marked alive since
 * `staleBefore` (all of them when null: see abandonedAtStart), never one running here. Returns how many.
 */
export async function failAbandonedEvaluations(staleBefore: Date | null): Promise<number> {
	const { count } = await (await prisma()).evaluationRun.updateMany({
		where: { status: 'running', id: { notIn: [...running.keys()] }, ...(staleBefore ? { heartbeatAt: { lt: staleBefore } } : {}) },
		data: { status: 'failed', error: ABANDONED, finishedAt: new Date() }
	});
	return count;
}

/** At start, after the first sweep: every beat, mark this instance's evaluations alive and end dead instances'. */
export function keepEvaluations(): void {
	startBeat('evaluations', async () => {
		const ids = [...running.keys()];
		if (ids.length > 0) await (await prisma()).evaluationRun.updateMany({ where: { id: { in: ids }, status: 'running' }, data: { heartbeatAt: new Date() } });
		const ended = await failAbandonedEvaluations(staleBefore());
		if (ended > 0) logger.warn({ count: ended }, 'evaluations whose studio instance stopped were marked failed');
	});
}
