// Evaluating a prompt version on HumanEval problems against the TGI-protocol test server: answers
// with each problem's canonical solution score 100% pass@1, wrong answers 0%, an infinite loop is
// timed out per sample; pass@k with several samples; every sample is an execution_history row of
// source `evaluation`; a benchmark is only one of those offered (the shipped HumanEval by default, a
// file of the datasets folder); templates that cannot take a problem are refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEvaluationSchema } from '$lib/schemas/evaluation';
import { configureGeneration } from '$lib/server/generation';
import { failAbandonedEvaluations, startEvaluation, whenEvaluated } from '$lib/server/evaluation/runner';
import { configureEvaluation } from '$lib/server/evaluation/settings';
import { commitDraft } from '$lib/server/versions';
import { prisma } from '../helpers/db';
import { loadHumanEval } from '../helpers/humaneval';
import { testSettings } from '../helpers/hub-client';
import { refusal } from '../helpers/refusal';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { sample, setDraft, versionTeam } from './versions-fixtures';

// The datasets folder a site admin set, with a small cut of HumanEval.
const datasets = mkdtempSync(join(tmpdir(), 'cts-datasets-'));
const problems = loadHumanEval();
writeFileSync(join(datasets, 'humaneval-8.jsonl'), problems.slice(0, 8).map((p) => JSON.stringify(p)).join('\n'));

type Answer = 'canonical' | 'wrong' | 'loop' | 'fenced';
let answer: Answer = 'canonical';
let tgi: TgiServer;
let team: Awaited<ReturnType<typeof versionTeam>>;

/** The test server answers the problem whose prompt the request carries, as `answer` says. */
function respond(body: unknown): string[] {
	const sent = JSON.stringify(body);
	const problem = problems.find((p) => sent.includes(JSON.stringify(p.prompt).slice(1, -1)))!;
	if (!problem) return ['# no problem found'];
	const code = { canonical: problem.canonical_solution, wrong: '    return None\n', loop: '    while True:\n        pass\n', fenced: `Here it is:\n\`\`\`python\n${problem.prompt}${problem.canonical_solution}\`\`\`\nDone.` }[answer];
	return code.match(/[\s\S]{1,16}/g) ?? [];
}

beforeAll(async () => {
	tgi = await startTgiServer({ respond });
	configureGeneration(testSettings(tgi.url));
	configureEvaluation({ datasetsDir: datasets, sampleTimeoutMs: 1500 });
	team = await versionTeam('eval');
	await setDraft(team.promptId, sample({ systemPrompt: 'Complete the Python function.', userPromptTemplate: '{{prompt}}', fewShotExamples: [], parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 512 } }));
	await commitDraft(team.author, team.prompt, 'HumanEval prompt');
	await setDraft(team.promptId, sample({ userPromptTemplate: 'Solve {{problem}} in {{language}}' }));
	await commitDraft(team.author, team.prompt, 'Not a benchmark template');
}, 60_000);
afterAll(async () => {
	await tgi?.close();
	rmSync(datasets, { recursive: true, force: true });
});

async function evaluated(over: Record<string, string> = {}) {
	const input = startEvaluationSchema.parse({ versionNumber: '1', model: 'whiterabbitneo', dataset: 'file:humaneval-8.jsonl', ...over });
	const { id, problems: count } = await startEvaluation(team.author, team.prompt, input);
	await whenEvaluated(id);
	const db = await prisma();
	return {
		count,
		run: await db.evaluationRun.findUniqueOrThrow({ where: { id } }),
		results: await db.evaluationResult.findMany({ where: { runId: id }, orderBy: [{ taskId: 'asc' }, { sampleIndex: 'asc' }] })
	};
}

describe('evaluating a version on HumanEval', () => {
	it('scores 100% pass@1 when the model answers each problem’s canonical solution', async () => {
		answer = 'canonical';
		const { count, run, results } = await evaluated({ cacheMode: 'never' });
		expect(count).toBe(8);
		expect(run).toMatchObject({ status: 'succeeded', totalProblems: 8, completedProblems: 8, passAt1: 1, benchmark: 'humaneval', modelId: 'whiterabbitneo' });
		expect(results).toHaveLength(8);
		expect(results.every((r) => r.outcome === 'passed')).toBe(true);
		// Every sample was an ordinary run of the studio, recorded as such.
		const rows = await (await prisma()).executionHistory.count({ where: { promptId: team.promptId, source: 'evaluation', status: 'succeeded' } });
		expect(rows).toBeGreaterThanOrEqual(8);
	}, 60_000);

	it('takes the code out of a fenced answer that repeats the whole function', async () => {
		answer = 'fenced';
		const { run } = await evaluated({ problemLimit: '4', cacheMode: 'never' });
		expect(run.passAt1).toBe(1);
	}, 60_000);

	it('scores 0% when the answers are wrong, with the failing assertion kept', async () => {
		answer = 'wrong';
		const { run, results } = await evaluated({ problemLimit: '4', cacheMode: 'never' });
		expect(run).toMatchObject({ status: 'succeeded', passAt1: 0 });
		expect(results.every((r) => r.outcome === 'failed')).toBe(true);
		expect(results[0]!.detail).toMatch(/AssertionError|TypeError/);
	}, 60_000);

	it('times out an infinite loop per sample, and the evaluation still ends', async () => {
		answer = 'loop';
		const started = Date.now();
		const { run, results } = await evaluated({ problemLimit: '2', cacheMode: 'never' });
		expect(results.map((r) => r.outcome)).toEqual(['timeout', 'timeout']);
		expect(run).toMatchObject({ status: 'succeeded', passAt1: 0 });
		expect(Date.now() - started).toBeLessThan(15_000);
	}, 60_000);

	it('with several samples per problem, records pass@k for each reported k; a deterministic repeat comes from model_cache', async () => {
		answer = 'canonical';
		const calls = tgi.requests.length;
		const { run, results } = await evaluated({ problemLimit: '2', samplesPerProblem: '3' });
		// Temperature 0 in cache mode auto: asked once per problem at most (the first test's answers may be cached already).
		expect(tgi.requests.length - calls).toBeLessThanOrEqual(2);
		expect(results).toHaveLength(6);
		expect(run.passAtK).toEqual({ '1': 1, '3': 1 });
	}, 60_000);

	it('runs the HumanEval the studio ships when no benchmark is chosen', async () => {
		answer = 'canonical';
		const { run } = await evaluated({ dataset: '', problemLimit: '3' });
		expect(run).toMatchObject({ totalProblems: 3, passAt1: 1, benchmark: 'humaneval', parameters: { dataset: 'HumanEval' } });
	}, 60_000);
});

describe('refused before anything runs', () => {
	const start = (over: Record<string, string>) =>
		startEvaluation(team.author, team.prompt, startEvaluationSchema.parse({ versionNumber: '1', model: 'whiterabbitneo', dataset: 'file:humaneval-8.jsonl', ...over }));

	it('a benchmark not offered (a path, a URL, a missing file), or a malformed one, with what is wrong with it', async () => {
		for (const dataset of ['../../etc/passwd', '/etc/passwd', 'http://127.0.0.1:5432/x.jsonl', 'file:///etc/passwd', 'file:../../etc/passwd', 'file:missing.jsonl', 'humaneval-8.jsonl']) {
			expect(await refusal(start({ dataset }))).toMatchObject({ status: 400, field: 'dataset', message: 'Choose one of the benchmarks offered.' });
		}
		writeFileSync(join(datasets, 'broken.jsonl'), '{"task_id": "x"}\nnot json\n');
		expect(await refusal(start({ dataset: 'file:broken.jsonl' }))).toMatchObject({ status: 400, field: 'dataset', message: 'broken.jsonl is malformed: line 1 has no “prompt”.' });
	});

	it('a template without {{prompt}}, or one that needs variables a benchmark does not fill; a viewer', async () => {
		expect((await refusal(start({ versionNumber: '2' }))).message).toMatch(/\{\{prompt\}\}/);
		expect((await refusal(startEvaluation(team.viewer, team.prompt, startEvaluationSchema.parse({ versionNumber: '1', model: 'whiterabbitneo' }))))).toMatchObject({ status: 403 });
	});
});

describe('after a restart', () => {
	it('an evaluation a stopped studio left running ends as failed; one still marked alive beside other instances is left alone', async () => {
		const db = await prisma();
		const base = { workspaceId: team.owner.workspace.id, promptId: team.promptId, benchmark: 'humaneval', modelId: 'whiterabbitneo', status: 'running' as const };
		const old = await db.evaluationRun.create({ data: { ...base, startedAt: new Date(Date.now() - 2 * 3600_000), heartbeatAt: new Date(Date.now() - 2 * 3600_000) } });
		// Started long ago, but its instance still marks it alive.
		const recent = await db.evaluationRun.create({ data: { ...base, startedAt: new Date(Date.now() - 2 * 3600_000), heartbeatAt: new Date() } });
		expect(await failAbandonedEvaluations(new Date(Date.now() - 3600_000))).toBeGreaterThanOrEqual(1);
		expect(await db.evaluationRun.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped/) });
		expect((await db.evaluationRun.findUniqueOrThrow({ where: { id: recent.id } })).status).toBe('running');
		await db.evaluationRun.delete({ where: { id: recent.id } });
	});
});
