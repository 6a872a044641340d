// An evaluation as a person runs one on a fresh studio (no benchmark setting at all): an owner creates
// a prompt from the "Complete a function" starter, commits it, chooses the HumanEval the studio ships
// from the benchmarks offered, starts an evaluation of v1 on a few of its problems, and watches the
// progress bar move to the end and the score arrive. The model is the TGI-protocol test server at
// E2E_TGI_PORT, answering each problem's canonical solution a token at a time, so the score must be 100 %.
import { expect, test } from '@playwright/test';
import { loadHumanEval } from '../helpers/humaneval';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { uniqueWorkspaceName } from '../helpers/unique';
import { signUp } from './team';

const problems = loadHumanEval();
/** A few problems: enough to watch the bar move, few enough to keep the run short. */
const PROBLEMS = 6;

let tgi: TgiServer;
test.beforeAll(async () => {
	tgi = await startTgiServer(
		{
			delayMs: 30,
			respond: (body) => {
				const sent = JSON.stringify(body);
				const problem = problems.find((p) => sent.includes(JSON.stringify(p.prompt).slice(1, -1)));
				return problem ? (problem.canonical_solution.match(/[\s\S]{1,12}/g) ?? []) : undefined;
			}
		},
		Number(process.env.E2E_TGI_PORT)
	);
});
test.afterAll(async () => {
	await tgi?.close();
});

test('start an evaluation of a version on HumanEval, watch its progress and see its score', async ({ browser }) => {
	// A budget, not a speed check: a loaded machine (load 20 on two cores was seen) starts the sandbox slowly.
	test.setTimeout(180_000);
	const owner = await signUp(browser, 'evaluator');
	const page = owner.page;
	await page.getByLabel('Workspace name').fill(uniqueWorkspaceName('Evals'));
	await page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(page).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(page.url()).pathname;

	await page.goto(`${workspacePath}/prompts/new`);
	await page.getByRole('button', { name: 'Use “Complete a function”' }).click();
	await expect(page).toHaveURL(/\/prompts\/complete-a-function$/);
	await expect(page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible();
	await page.getByLabel('Commit message').fill('HumanEval shape');
	await page.getByRole('button', { name: 'Commit version' }).click();
	await expect(page.getByTestId('latest-version')).toContainText('v1');

	await page.getByRole('navigation', { name: 'Prompt' }).getByRole('link', { name: 'Evaluations' }).click();
	await expect(page).toHaveURL(/\/evaluations$/);
	// The shipped HumanEval is offered first and chosen already; nothing else is, with no setting.
	const benchmark = page.getByLabel('Benchmark');
	await expect(benchmark.getByRole('option')).toHaveText(['HumanEval (164 problems)']);
	await benchmark.selectOption({ label: 'HumanEval (164 problems)' });
	await page.getByLabel('Problems').fill(String(PROBLEMS));
	await page.getByRole('button', { name: 'Start evaluation' }).click();
	await expect(page).toHaveURL(/\/evaluations\/[0-9a-f-]{36}$/);

	// The bar moves on its own while the evaluation runs, and reaches the end.
	const bar = page.getByRole('progressbar', { name: 'Problems done' });
	const seen = new Set<number>();
	await expect(async () => {
		seen.add(Number(await bar.getAttribute('aria-valuenow')));
		expect(seen.has(PROBLEMS)).toBe(true);
	}).toPass({ timeout: 90_000, intervals: [200] });
	expect([...seen].some((value) => value < PROBLEMS)).toBe(true);
	await expect(page.getByText('succeeded', { exact: true })).toBeVisible();
	await expect(page.getByText('pass@1 100.0 %')).toBeVisible();
	await expect(page.getByText(`${PROBLEMS} of ${PROBLEMS} problems done · ${PROBLEMS} solved`)).toBeVisible();
	await expect(page.getByRole('list', { name: 'Problems' }).getByRole('listitem')).toHaveCount(PROBLEMS);

	// The Evaluations tab compares it.
	await page.getByRole('link', { name: '← Evaluations' }).click();
	await expect(page.getByRole('table', { name: 'pass@1 by version and model' })).toContainText(`v1WhiteRabbitNeo-33B100.0 %${PROBLEMS}`);
	await expect(page.getByRole('list', { name: 'Evaluations' })).toContainText('HumanEval');
	await owner.context.close();
});
