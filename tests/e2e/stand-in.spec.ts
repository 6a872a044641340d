// The embedded stand-in model as a fresh clone meets it, in chromium, against the second studio of
// playwright.config.ts: the README's `npm start` with no model endpoint configured at all
// (E2E_STANDIN_PORT). An owner and an editor share a live session; the page says both models run on
// the local stand-in; the owner runs both; both people watch the tokens of the shipped tiny code model
// arrive and end with the same text, marked as the stand-in's; the run's history page says so too.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { signUp, teamWithPrompt } from './team';

/** The studio started with no endpoint (playwright.config.ts chose the port in the runner). */
const STANDIN_URL = `http://127.0.0.1:${process.env.E2E_STANDIN_PORT}`;
const STAND_IN = 'codetune-tiny-code';

type ModelKey = 'whiterabbitneo' | 'codet5p';
const MODELS: ModelKey[] = ['whiterabbitneo', 'codet5p'];

/** What a page saw of the latest run while it streamed: each pane's status and text, per change. */
interface Seen {
	model: string;
	status: string | null;
	text: string;
}

const pane = (page: Page, model: ModelKey): Locator => page.getByTestId('latest-runs').getByTestId(`run-output-${model}`);
const runText = (page: Page, model: ModelKey) => pane(page, model).getByTestId('run-text').textContent();

/**
 * Records, in the page, every state of the latest run's panes as the DOM changes: one token event is
 * one socket message, so each token the page rendered leaves its own entry.
 */
async function watchPanes(page: Page) {
	await page.evaluate(() => {
		const seen: { model: string; status: string | null; text: string }[] = [];
		(window as unknown as { __seen: typeof seen }).__seen = seen;
		const last = new Map<string, string>();
		new MutationObserver(() => {
			for (const pane of document.querySelectorAll('[data-testid="latest-runs"] [data-testid^="run-output-"]')) {
				const model = pane.getAttribute('data-testid')!.slice('run-output-'.length);
				const status = pane.getAttribute('data-status');
				const text = pane.querySelector('[data-testid="run-text"]')?.textContent ?? '';
				const key = `${status}\u0000${text}`;
				if (last.get(model) === key) continue;
				last.set(model, key);
				seen.push({ model, status, text });
			}
		}).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-status'] });
	});
}

const seenIn = (page: Page) => page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);

test('with no endpoint configured, a shared session runs both models on the embedded stand-in and everyone watches its tokens', async ({ browser }) => {
	test.setTimeout(90_000);
	const health = await (await fetch(`${STANDIN_URL}/api/health`)).json();
	expect(health).toMatchObject({ ok: true, database: 'embedded' });

	const owner = await signUp(browser, 'owner', STANDIN_URL);
	const editor = await signUp(browser, 'editor', STANDIN_URL);

	const { workspacePath, promptPath } = await teamWithPrompt(owner, [[editor, 'editor']], 'Stand-in');
	const page = owner.page;

	// The owner opens a session; the editor joins it by its address.
	await page.getByRole('link', { name: 'Run it live' }).click();
	await expect(page).toHaveURL(`${promptPath}/sessions`);
	await page.getByLabel('Title').fill('On the stand-in');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await editor.page.goto(page.url());

	// Both see that the models have no endpoint and run on the local stand-in, nothing refused.
	for (const person of [owner, editor]) {
		await expect(person.page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
		const notice = person.page.getByTestId('stand-in-notice');
		await expect(notice).toContainText('Running on the local stand-in model');
		await expect(notice).toContainText(STAND_IN);
		await expect(notice).toContainText('WHITERABBITNEO_ENDPOINT_URL and CODET5P_ENDPOINT_URL');
		await expect(person.page.getByTestId('not-configured')).toHaveCount(0);
	}
	await expect(page.getByText('(local stand-in model)')).toHaveCount(2);

	// The owner runs v1 on both models, greedy and short, straight from the model (no cache).
	for (const person of [owner, editor]) await watchPanes(person.page);
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('language', { exact: true }).fill('Python');
	await page.getByLabel('task', { exact: true }).fill('def add(a, b):');
	await page.getByLabel('Max new tokens').fill('40');
	await page.getByLabel('Temperature').fill('0');
	await page.getByLabel('Cache', { exact: true }).selectOption('never');
	await page.getByRole('button', { name: 'Run', exact: true }).click();

	const texts: Record<string, string> = {};
	for (const person of [owner, editor]) {
		for (const model of MODELS) {
			// The run ends when the model has written its answer on this machine's CPU (after loading it,
			// on a first run): no clock here can say when. The test's own timeout bounds the wait.
			await expect(pane(person.page, model)).toHaveAttribute('data-status', 'succeeded', { timeout: 0 });
			await expect(pane(person.page, model)).toHaveAttribute('data-stand-in', STAND_IN);
			await expect(pane(person.page, model).getByTestId('stand-in-mark')).toHaveText('local stand-in model');
			const text = (await runText(person.page, model)) ?? '';
			expect(text.trim(), `${person.name}'s ${model} text`).not.toBe('');
			texts[`${person.name} ${model}`] = text;
		}
		// Tokens arrived one by one: the page showed part of the text while the run was still going.
		const seen = await seenIn(person.page);
		for (const model of MODELS) {
			const final = texts[`${person.name} ${model}`]!;
			const partial = seen.filter((s) => s.model === model && s.status === 'running' && s.text.length > 0 && s.text.length < final.length);
			expect(partial.length, `${person.name} saw ${model}'s text grow while it streamed`).toBeGreaterThan(0);
			for (const state of partial) expect(final.startsWith(state.text)).toBe(true);
		}
	}
	// One run, the same text on every page.
	for (const model of MODELS) expect(texts[`${editor.name} ${model}`]).toBe(texts[`${owner.name} ${model}`]);

	// The run's own page says which model answered.
	await pane(page, 'codet5p').getByRole('link', { name: 'Run details' }).click();
	await expect(page).toHaveURL(new RegExp(`${workspacePath}/runs/[0-9a-f-]{36}$`));
	await expect(page.getByTestId('stand-in-mark')).toHaveText(`local stand-in model · ${STAND_IN}`);
	// And the workspace's runs list, under each model's name.
	await page.goto(`${workspacePath}/runs`);
	for (const name of ['WhiteRabbitNeo-33B', 'CodeT5+ 16B']) {
		await expect(page.getByRole('row').filter({ hasText: name }).getByText('local stand-in model', { exact: true })).toBeVisible();
	}

	for (const person of [owner, editor]) await person.context.close();
});

test('a greedy run asked again on the stand-in is answered from the cache, and the page marks it cached', async ({ browser }) => {
	test.setTimeout(90_000);
	const owner = await signUp(browser, 'owner', STANDIN_URL);
	const { promptPath } = await teamWithPrompt(owner, [], 'Stand-in cache');
	const page = owner.page;
	await page.getByRole('link', { name: 'Run it live' }).click();
	await expect(page).toHaveURL(`${promptPath}/sessions`);
	await page.getByLabel('Title').fill('Twice');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');

	// Temperature 0 and the cache left on "auto", as a new user would run it; the stand-in's answer
	// ends by itself or at the max tokens asked for, and either way it is kept.
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('language', { exact: true }).fill('Python');
	await page.getByLabel('task', { exact: true }).fill('def add(a, b):');
	await page.getByLabel('Max new tokens').fill('40');
	await page.getByLabel('Temperature').fill('0');
	await expect(page.getByLabel('Cache', { exact: true })).toHaveValue('auto');

	const runDetails = (model: ModelKey) => pane(page, model).getByRole('link', { name: 'Run details' });
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const first: Record<string, { text: string; href: string }> = {};
	for (const model of MODELS) {
		// The model writes its answer on this machine's CPU: the test's own timeout bounds the wait.
		await expect(pane(page, model)).toHaveAttribute('data-status', 'succeeded', { timeout: 0 });
		await expect(pane(page, model).getByTestId('cached-mark')).toHaveCount(0);
		first[model] = { text: (await runText(page, model)) ?? '', href: (await runDetails(model).getAttribute('href')) ?? '' };
		expect(first[model]!.text.trim()).not.toBe('');
	}

	// The same run again: a new run of each model, marked cached, with the very same text.
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	for (const model of MODELS) {
		await expect(runDetails(model)).not.toHaveAttribute('href', first[model]!.href);
		await expect(pane(page, model).getByTestId('cached-mark')).toBeVisible();
		await expect(pane(page, model)).toHaveAttribute('data-status', 'succeeded');
		await expect(pane(page, model).getByTestId('stand-in-mark')).toHaveText('local stand-in model');
		expect(await runText(page, model)).toBe(first[model]!.text);
	}
	await owner.context.close();
});
