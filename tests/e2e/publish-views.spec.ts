// Publishing as a new team meets it, in chromium, on the studio with no model endpoint (both models
// run on the embedded stand-in, E2E_STANDIN_PORT): the owner runs v1, opens the Publish tab and
// sees each run previewed by its answer's words; a title of spaces is refused once, under the
// field; publishing says so once, in a toast that covers no form help text; the public page says
// the version was tried on the stand-in (never on the models it stood in for), in light and dark, on
// a desktop and a phone. A comparison of versions that names none is a page in words with links.
// With SCREENSHOT_DIR set, the Publish tab and the public page are saved there to be looked at.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { saveScreens } from './screens';
import { signUp, teamWithPrompt } from './team';

const STANDIN_URL = `http://127.0.0.1:${process.env.E2E_STANDIN_PORT}`;
const STAND_IN = 'codetune-tiny-code';

const SIZES = [
	{ width: 1440, height: 900 },
	{ width: 390, height: 844 }
] as const;

async function everySize(page: Page, what: string, check: () => Promise<void> = async () => {}) {
	for (const size of SIZES) {
		await page.setViewportSize(size);
		for (const theme of ['light', 'dark'] as const) {
			await page.evaluate((mode) => document.documentElement.classList.toggle('dark', mode === 'dark'), theme);
			const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
			expect(widths.page, `${what} at ${size.width} px (${theme}) is ${widths.page} px wide`).toBeLessThanOrEqual(widths.window);
			await check();
			if (process.env.SCREENSHOT_DIR) await saveScreens(page, `${what}-${size.width}-${theme}`);
		}
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
	a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** No toast lies over any of the form help texts a person sees now (below the sticky top bar). */
async function expectToastClearOf(page: Page, toast: Locator) {
	const box = (await toast.boundingBox())!;
	const barBottom = (await page.locator('header').first().boundingBox())!.height;
	let seen = 0;
	for (const hint of await page.locator('main p[id$="-hint"]').all()) {
		const hintBox = await hint.boundingBox();
		if (!hintBox || hintBox.y + hintBox.height <= barBottom || hintBox.y >= page.viewportSize()!.height) continue;
		seen++;
		expect(overlaps(box, hintBox), `the toast covers “${await hint.textContent()}”`).toBe(false);
	}
	return seen;
}

test('the Publish tab previews runs by their answers, says each outcome once, and the public page names the stand-in that answered', async ({ browser }) => {
	test.setTimeout(180_000);
	const owner = await signUp(browser, 'publisher', STANDIN_URL);
	const { promptPath } = await teamWithPrompt(owner, [], 'Stand-in publishers');
	const page = owner.page;

	await test.step('run v1 on both models, on the stand-in', async () => {
		await page.getByRole('link', { name: 'Run it live' }).click();
		await page.getByLabel('Title').fill('Samples');
		await page.getByRole('button', { name: 'Open session' }).click();
		await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
		await page.getByLabel('Prompt', { exact: true }).selectOption('1');
		await page.getByLabel('language', { exact: true }).fill('Python');
		await page.getByLabel('task', { exact: true }).fill('def add(a, b):');
		await page.getByLabel('Max new tokens').fill('40');
		await page.getByLabel('Temperature').fill('0');
		await page.getByLabel('Cache', { exact: true }).selectOption('never');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		for (const model of ['whiterabbitneo', 'codet5p']) {
			// The stand-in answers on this machine's CPU (loading it first on a first run): the test's timeout bounds the wait.
			await expect(page.getByTestId('latest-runs').getByTestId(`run-output-${model}`)).toHaveAttribute('data-status', 'succeeded', { timeout: 0 });
		}
	});

	await test.step('the picker previews each run by the words of its answer, and names the stand-in', async () => {
		await page.goto(`${promptPath}/publish`);
		const runs = page.getByRole('list', { name: 'Runs of v1' }).getByRole('listitem');
		await expect(runs).toHaveCount(2);
		for (const run of await runs.all()) {
			const preview = ((await run.getByTestId('sample-preview').textContent()) ?? '').trim();
			expect(preview, 'a preview shows some of the answer').toMatch(/[A-Za-z0-9_]{2}/);
			expect(preview.startsWith('…')).toBe(false);
			await expect(run).toContainText(STAND_IN);
		}
		await expect(runs.first()).toContainText(/local stand-in for (CodeT5\+ 16B|WhiteRabbitNeo-33B)/);
		await everySize(page, 'publish');
	});

	await test.step('a title of spaces is refused once, under the field, with the focus on it', async () => {
		await page.getByLabel('Title').fill('   ');
		await page.getByRole('button', { name: 'Publish v1', exact: true }).click();
		const title = page.getByLabel('Title');
		await expect(title).toHaveAttribute('aria-invalid', 'true');
		await expect(title).toBeFocused();
		const refusal = (await page.locator('[id$="-error"]').first().textContent())!.trim();
		expect(refusal.length).toBeGreaterThan(0);
		// No banner and no toast repeat it.
		await expect(page.getByText(refusal, { exact: true })).toHaveCount(1);
		await expect(page.locator('[data-sonner-toast]')).toHaveCount(0);
	});

	await test.step('publishing is said once, in a toast that covers no help text', async () => {
		await page.getByLabel('Title').fill('Adder from the stand-in');
		await page.getByRole('list', { name: 'Runs of v1' }).getByRole('checkbox').first().check();
		await page.getByRole('button', { name: 'Publish v1', exact: true }).click();
		const toast = page.locator('[data-sonner-toast]').filter({ hasText: 'Published: v1 is in the community library.' });
		await expect(toast).toBeVisible();
		await expect(page.getByText('Published: v1 is in the community library.')).toHaveCount(1);
		await expectToastClearOf(page, toast);
		if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/toast-1280.png` });
		await page.setViewportSize({ width: 390, height: 844 });
		await page.getByLabel('Title').fill('Adder from the stand-in, again');
		await page.getByRole('button', { name: 'Publish v1', exact: true }).click();
		const again = page.locator('[data-sonner-toast]').filter({ hasText: 'Published again' });
		await expect(again).toBeVisible();
		await expectToastClearOf(page, again);
		if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/toast-390.png` });
		await page.setViewportSize({ width: 1280, height: 800 });
	});

	await test.step('the public page says the stand-in answered, not the models it stood in for', async () => {
		await page.getByRole('link', { name: 'Open the public page' }).click();
		await expect(page).toHaveURL(/\/library\//);
		const triedOn = page.getByTestId('tried-on');
		await expect(triedOn).toContainText(STAND_IN);
		await expect(triedOn).toContainText('local stand-in model');
		await expect(triedOn).not.toContainText('CodeT5+ 16B');
		await expect(triedOn).not.toContainText('WhiteRabbitNeo-33B');
		const sample = page.getByRole('listitem', { name: 'Sample 1' });
		await expect(sample).toContainText(STAND_IN);
		await expect(sample).toContainText(/local stand-in model, in (CodeT5\+ 16B|WhiteRabbitNeo-33B)'s place/);
		await everySize(page, 'public-prompt');
	});

	await test.step('a comparison that names no two versions says what to do, in words, with links', async () => {
		const response = await page.goto(`${promptPath}/versions/diff?from=nothing`);
		expect(response?.status()).toBe(400);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose two versions to compare');
		await expect(page.locator('main')).not.toContainText('?from=');
		await saveScreens(page, 'choose-versions-1280');
		await page.getByRole('link', { name: 'Compare v1 with the live draft' }).click();
		await expect(page).toHaveURL(`${promptPath}/versions/diff?from=1&to=draft`);
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Compare v1');
	});
	await owner.context.close();
});
