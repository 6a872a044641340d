// A new team's first hour, end to end, on a studio as a fresh clone starts it (no model endpoint: the
// embedded stand-in answers, E2E_STANDIN_PORT): the owner signs up and makes a workspace, invites a
// teammate by link, who signs up through it; the owner picks a starter and lands in its editor; both
// co-edit it (the teammate rewrites its system prompt as the owner watches) and the owner commits v1; in a live session the teammate types a multi-line variable
// value that the owner sees, the owner runs both models at temperature 0 twice and the second run is
// answered from the cache; the owner publishes v1 and evaluates it on the HumanEval the studio ships,
// and sees its score.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';
import { editorOf, shownText, signUp } from './team';

const STANDIN_URL = `http://127.0.0.1:${process.env.E2E_STANDIN_PORT}`;
const MODELS = ['whiterabbitneo', 'codet5p'] as const;
const FUNCTION = 'def add(a, b):\n    """Return the sum of a and b."""\n';

const pane = (page: Page, model: (typeof MODELS)[number]): Locator => page.getByTestId('latest-runs').getByTestId(`run-output-${model}`);
const connected = (page: Page) => expect(page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible({ timeout: 30_000 });

test('a new team signs up, invites by link, co-edits a starter, runs it twice (cached), publishes it and scores it on HumanEval', async ({ browser }) => {
	// Two people, the stand-in model on this machine's CPU and an evaluation in its sandbox: a budget,
	// not a speed check.
	test.setTimeout(300_000);
	const owner = await signUp(browser, 'hourown', STANDIN_URL);
	const teammateContext = await browser.newContext({ baseURL: STANDIN_URL });
	const teammate = await teammateContext.newPage();
	const page = owner.page;

	// The owner's workspace, and a link for an editor.
	const workspaceName = uniqueWorkspaceName('First hour');
	await page.getByLabel('Workspace name').fill(workspaceName);
	await page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(page).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(page.url()).pathname;
	await page.goto(`${workspacePath}/settings`);
	const inviteForm = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create invitation link' }) });
	await inviteForm.getByLabel('They join as').selectOption('editor');
	await inviteForm.getByRole('button', { name: 'Create invitation link' }).click();
	const link = (await page.getByTestId('new-invitation-link').textContent())!.trim();
	expect(link).toContain('/invite/');

	// The teammate opens it, signs up through it and joins as an editor.
	await teammate.goto(link);
	await expect(teammate.getByRole('heading', { name: `Join ${workspaceName}` })).toBeVisible();
	await teammate.getByRole('link', { name: 'Create an account' }).click();
	const teammateName = uniqueUsername('hourmate');
	await teammate.getByLabel('Username').fill(teammateName);
	await teammate.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
	await teammate.getByLabel('Confirm password').fill(TEST_PASSWORD);
	await teammate.getByRole('button', { name: 'Create account' }).click();
	await expect(teammate).toHaveURL(new URL(link).pathname);
	await teammate.getByRole('button', { name: 'Join as an editor' }).click();
	await expect(teammate).toHaveURL(new RegExp(`${workspacePath}$`));

	// The owner picks the "Complete a function" starter and lands in its editor.
	await page.goto(`${workspacePath}/prompts/new`);
	await page.getByRole('button', { name: 'Use “Complete a function”' }).click();
	await expect(page).toHaveURL(/\/prompts\/complete-a-function$/);
	const promptPath = new URL(page.url()).pathname;
	await connected(page);

	// Both co-edit: the teammate writes the system prompt, the owner sees it as it is typed.
	await teammate.goto(promptPath);
	await connected(teammate);
	const system = editorOf(teammate, 'System prompt');
	await system.click();
	await system.press('Control+a');
	await system.pressSequentially('Complete the Python function. Answer with its body only.', { delay: 10 });
	await expect.poll(() => shownText(editorOf(page, 'System prompt'))).toBe('Complete the Python function. Answer with its body only.');
	await page.getByLabel('Commit message').fill('First version');
	await page.getByRole('button', { name: 'Commit version' }).click();
	for (const person of [page, teammate]) await expect(person.getByTestId('latest-version')).toContainText('v1');

	// A live session: the teammate types a multi-line value for {{prompt}}; the owner sees it.
	await page.getByRole('link', { name: 'Run it live' }).click();
	await page.getByLabel('Title').fill('First runs');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await teammate.goto(page.url());
	for (const person of [page, teammate]) await expect(person.getByTestId('session-status')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
	const typed = teammate.getByTestId('session-variables').getByLabel('prompt', { exact: true });
	await typed.click();
	for (const [index, line] of FUNCTION.split('\n').entries()) {
		if (index > 0) await typed.press('Enter');
		await typed.pressSequentially(line, { delay: 5 });
	}
	await expect(typed).toHaveValue(FUNCTION);
	await expect(page.getByTestId('session-variables').getByLabel('prompt', { exact: true })).toHaveValue(FUNCTION);

	// Both models at temperature 0, twice: the second answers come from the cache, word for word.
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('Max new tokens').fill('32');
	await page.getByLabel('Temperature').fill('0');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const first: Record<string, string> = {};
	for (const model of MODELS) {
		// The stand-in writes on this machine's CPU: the test's own timeout bounds the wait.
		await expect(pane(page, model)).toHaveAttribute('data-status', 'succeeded', { timeout: 0 });
		await expect(pane(page, model).getByTestId('cached-mark')).toHaveCount(0);
		first[model] = (await pane(page, model).getByTestId('run-text').textContent()) ?? '';
	}
	const firstRun = await pane(page, 'codet5p').getByRole('link', { name: 'Run details' }).getAttribute('href');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(pane(page, 'codet5p').getByRole('link', { name: 'Run details' })).not.toHaveAttribute('href', firstRun!);
	for (const model of MODELS) {
		for (const person of [page, teammate]) await expect(pane(person, model).getByTestId('cached-mark')).toBeVisible();
		expect(await pane(page, model).getByTestId('run-text').textContent()).toBe(first[model]);
		// A replay has no model's pace to show.
		await expect(pane(page, model).locator('div', { has: page.locator('dt', { hasText: 'Tokens/s' }) }).locator('dd')).toHaveText('—');
	}

	// The owner publishes v1 to the community library.
	await page.goto(`${promptPath}/publish`);
	await page.getByLabel('Title').fill(`Add two numbers ${Date.now().toString(36)}`);
	await page.getByLabel('Description').fill('Completes a Python function from its signature and docstring.');
	await page.getByRole('button', { name: 'Publish v1' }).click();
	await expect(page.getByRole('link', { name: /^\/library\// })).toBeVisible();

	// And evaluates v1 on the HumanEval the studio ships, on a few problems, and sees its score.
	await page.getByRole('navigation', { name: 'Prompt' }).getByRole('link', { name: 'Evaluations' }).click();
	await expect(page.getByLabel('Benchmark')).toHaveValue(/.+/);
	await expect(page.getByLabel('Benchmark').locator('option:checked')).toHaveText('HumanEval (164 problems)');
	await page.getByLabel('Problems').fill('2');
	await page.getByRole('button', { name: 'Start evaluation' }).click();
	await expect(page).toHaveURL(/\/evaluations\/[0-9a-f-]{36}$/);
	await expect(page.getByText('succeeded', { exact: true })).toBeVisible({ timeout: 180_000 });
	await expect(page.getByText(/^pass@1 \d+(\.\d+)? %$/)).toBeVisible();
	await expect(page.getByText(/^2 of 2 problems done/)).toBeVisible();

	await Promise.all([owner.context.close(), teammateContext.close()]);
});
