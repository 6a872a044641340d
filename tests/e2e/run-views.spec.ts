// A run's views as a team reads them, in chromium against the production build, with both models
// served by the TGI-protocol test server (E2E_TGI_PORT): the owner switches on the security scanner,
// the code-block extractor, the token and cost counter and the PII redactor, runs the prompt with an
// email address and a phone number, and opens the run: plugin findings are rows (severity, rule,
// line, the code folded under it), never JSON; the counter's figures are the run page's figures; the
// Variables card holds the placeholders the model was sent. The runs table and the run page fit a
// 1440 px screen and a 390 px phone in light and dark, with no sideways scrolling of the page.
// With SCREENSHOT_DIR set, each view is also saved there (1440/390, light/dark) to be looked at.
import { expect, test, type Page } from '@playwright/test';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { saveScreens } from './screens';
import { signUp, teamWithPrompt } from './team';

const ANSWER = ['Here is the clean-up:\n', '\n', '```python\n', 'import os\n', 'os.system("rm -rf / --no-preserve-root")\n', '```\n', 'Run it once.\n'];

let tgi: TgiServer;
test.beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ANSWER }, Number(process.env.E2E_TGI_PORT));
});
test.afterAll(async () => {
	await tgi?.close();
});

const SIZES = [
	{ name: 'desktop', width: 1440, height: 900 },
	{ name: 'phone', width: 390, height: 844 }
] as const;

/** The page never scrolls sideways: nothing sticks out past the window. */
async function expectNoSidewaysScroll(page: Page, what: string) {
	const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
	expect(widths.page, `${what} is ${widths.page} px wide in a ${widths.window} px window`).toBeLessThanOrEqual(widths.window);
}

async function setTheme(page: Page, theme: 'light' | 'dark') {
	await page.evaluate((mode) => {
		localStorage.setItem('mode-watcher-mode', mode);
		document.documentElement.classList.toggle('dark', mode === 'dark');
		document.documentElement.style.colorScheme = mode;
	}, theme);
}

async function everySize(page: Page, what: string, check: (size: (typeof SIZES)[number]) => Promise<void>) {
	for (const size of SIZES) {
		await page.setViewportSize({ width: size.width, height: size.height });
		for (const theme of ['light', 'dark'] as const) {
			await setTheme(page, theme);
			await expectNoSidewaysScroll(page, `${what} at ${size.width} px (${theme})`);
			await check(size);
			if (process.env.SCREENSHOT_DIR) await saveScreens(page, `${what}-${size.width}-${theme}`);
		}
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

async function enablePlugin(page: Page, workspacePath: string, name: string, id: string) {
	await page.goto(`${workspacePath}/settings/plugins`);
	const region = page.getByRole('region', { name });
	await region.getByLabel('Enabled in this workspace').check();
	await region.getByRole('button', { name: `Save ${name}` }).click();
	await expect(region.getByText('on', { exact: true })).toBeVisible();
	// Said once, once the page has taken the outcome in: in a toast, and the page's banner stays quiet.
	await expect(page.getByText(`Saved: ${id} is on.`)).toHaveCount(1);
}

test('a run with plugins reads as rows with figures that agree, keeps only placeholders, and its views fit a desktop and a phone', async ({ browser }) => {
	test.setTimeout(240_000);
	const owner = await signUp(browser, 'reader');
	const { workspacePath, promptPath } = await teamWithPrompt(owner, [], 'Run views');
	const page = owner.page;

	for (const [name, id] of [
		['Security scanner', 'security-scanner'],
		['Code block extractor', 'code-block-extractor'],
		['Token and cost counter', 'token-cost'],
		['PII redactor', 'pii-redactor']
	] as const) {
		await enablePlugin(page, workspacePath, name, id);
	}

	await test.step('run the prompt with an email address and a phone number in its variables', async () => {
		await page.goto(promptPath);
		await page.getByRole('link', { name: 'Run it live' }).click();
		await page.getByLabel('Title').fill('Clean-up');
		await page.getByRole('button', { name: 'Open session' }).click();
		await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
		await page.getByLabel('Prompt', { exact: true }).selectOption('1');
		await page.getByLabel('language', { exact: true }).fill('python');
		await page.getByLabel('task', { exact: true }).fill('clean up, then mail bob@example.com or call +1 415-555-0132');
		await page.getByLabel('Cache', { exact: true }).selectOption('never');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		for (const model of ['whiterabbitneo', 'codet5p']) {
			await expect(page.getByTestId('latest-runs').getByTestId(`run-output-${model}`)).toHaveAttribute('data-status', 'succeeded');
		}
	});

	await test.step('the runs table fits 1440 px without clipping, and is a list of cards on a phone', async () => {
		await page.goto(`${workspacePath}/runs`);
		await expect(page.getByRole('row', { name: /WhiteRabbitNeo-33B/ })).toBeVisible();
		await expect(page.getByText('Stored answers', { exact: true })).toBeVisible();
		await everySize(page, 'runs', async (size) => {
			if (size.width >= 768) {
				const table = page.getByTestId('runs-table');
				await expect(table).toBeVisible();
				// Every column is in view: the table needs no scrolling of its own.
				const fits = await table.evaluate((box) => box.scrollWidth <= box.clientWidth);
				expect(fits, 'the runs table fits its box at 1440 px').toBe(true);
				await expect(page.getByTestId('runs-cards')).toBeHidden();
			} else {
				await expect(page.getByTestId('runs-table')).toBeHidden();
				await expect(page.getByTestId('runs-cards').getByRole('listitem')).toHaveCount(2);
			}
		});
	});

	await test.step('the run page: findings as rows, figures that agree, placeholders only', async () => {
		await page.goto(`${workspacePath}/runs`);
		await page.getByRole('row', { name: /WhiteRabbitNeo-33B/ }).getByRole('link').first().click();
		const reports = page.getByTestId('plugin-reports');
		await expect(reports).toContainText('Security scanner');
		const text = (await reports.textContent()) ?? '';
		expect(text, 'no plugin data shown as JSON').not.toMatch(/[{[]\s*"|":\s|tokensIn|costUsd|blocks/);

		// A finding is a row: severity, what it is, its rule and line, and the code it points at, folded.
		const scanner = reports.getByRole('region', { name: 'Security scanner' });
		const deletion = scanner.getByTestId('finding').filter({ hasText: 'recursive delete' });
		await expect(deletion).toContainText(/Error|Warning/);
		await expect(deletion).toContainText('rm-rf-root');
		await expect(deletion).toContainText('line 5');
		const code = deletion.locator('details pre');
		await expect(code).toBeHidden();
		await deletion.getByText('Show the code').click();
		await expect(code).toBeVisible();
		await expect(code).toHaveText('os.system("rm -rf / --no-preserve-root")');
		const block = reports.getByRole('region', { name: 'Code block extractor' }).getByTestId('finding');
		await expect(block).toContainText('Python block, 2 lines');
		await expect(block).toContainText('line 4');

		// The counter's figures are the run's own figures.
		const figure = async (term: string) => (await page.getByRole('region', { name: 'Figures' }).locator('div', { has: page.getByText(term, { exact: true }) }).locator('dd').first().textContent())?.trim();
		const counter = reports.getByRole('region', { name: 'Token and cost counter' });
		const counted = (label: string) => counter.getByTestId('plugin-figures').locator('div', { has: page.getByText(label, { exact: true }) }).locator('dd');
		const promptTokens = await figure('Prompt tokens');
		expect(promptTokens).toMatch(/^[1-9][\d,]*$/);
		await expect(counted('Prompt tokens')).toHaveText(new RegExp(`^${promptTokens} tokens?\\s*counted by the model$`));
		await expect(counted('Completion tokens')).toHaveText(new RegExp(`^${await figure('Completion tokens')} tokens?\\s*counted by the model$`));
		await expect(counted('Cost')).toHaveText((await figure('Cost'))!);
		expect(text).not.toContain('no findings');

		// What the model was sent, and what the run kept of the variables: placeholders only.
		await expect(page.getByRole('region', { name: 'Prompt as sent' })).toContainText('mail [EMAIL_1] or call [PHONE_1]');
		const variables = page.getByRole('region', { name: 'Variables' });
		await expect(variables).toContainText('clean up, then mail [EMAIL_1] or call [PHONE_1]');
		await expect(page.locator('body')).not.toContainText('bob@example.com');
		await expect(page.locator('body')).not.toContainText('415-555-0132');

		// Parameters in product words, durations in one unit.
		await expect(page.getByTestId('run-parameters')).toContainText('Max new tokens');
		await expect(page.getByTestId('run-parameters')).not.toContainText('max_new_tokens');
		expect(await figure('Latency')).toMatch(/^\d+ ms$|^\d+\.\d s$/);

		await everySize(page, 'run', async () => {
			await expect(reports).toBeVisible();
		});
	});
	await owner.context.close();
});
