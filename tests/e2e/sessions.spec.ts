// Live shared generation sessions as a team uses them, in chromium against the production build,
// with both models served by the TGI-protocol test server (playwright.config.ts points the studio's
// two endpoints at E2E_TGI_PORT; this spec listens there and scripts each answer). An owner and an
// editor watch one run of both models stream to the same text; a viewer who joins mid-stream ends
// with that text too (the model server holds the answers until that viewer is in, so it joins
// mid-stream whatever the machine's speed); the editor's cancel stops a run for everyone and closes
// the model request; the same deterministic run again is served from the cache without calling the
// model.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { signUp, teamWithPrompt } from './team';

type ModelKey = 'whiterabbitneo' | 'codet5p';
const MODELS: ModelKey[] = ['whiterabbitneo', 'codet5p'];

/** A markdown answer with Python code blocks, streamed in the small pieces a model sends (~130). */
const ANSWER_TEXT = [
	'Here is a small function that adds two numbers:',
	'',
	'```python',
	'def add(a: int, b: int) -> int:',
	'    """Return the sum of a and b."""',
	'    return a + b',
	'```',
	'',
	'Call it as `add(2, 3)`; it returns **5**. Some notes:',
	'',
	'- Pure: no side effects, so it is easy to test',
	'- Typed: hints for both arguments and the result',
	'- Small: one line of logic, nothing to go wrong',
	'',
	'And a test for it, with pytest:',
	'',
	'```python',
	'import pytest',
	'',
	'@pytest.mark.parametrize("a, b, total", [(2, 3, 5), (-1, 1, 0), (0, 0, 0)])',
	'def test_add(a: int, b: int, total: int) -> None:',
	'    assert add(a, b) == total',
	'```',
	'',
	'Run it with `pytest -q` from the folder that holds both files.'
].join('\n');
const ANSWER = ANSWER_TEXT.match(/\s*\S+/g)!;

let tgi: TgiServer;

test.beforeAll(async () => {
	tgi = await startTgiServer({}, Number(process.env.E2E_TGI_PORT));
});
test.afterAll(async () => {
	await tgi?.close();
});

const pane = (page: Page, model: ModelKey): Locator => page.getByTestId('latest-runs').getByTestId(`run-output-${model}`);
const runText = (page: Page, model: ModelKey) => pane(page, model).getByTestId('run-text').textContent();

async function expectLive(page: Page) {
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
}

/** Fills the run form (variables of v1, temperature, cache mode) and presses Run. */
async function run(page: Page, options: { task: string; temperature: string; cache: 'auto' | 'always' | 'never' }) {
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('language', { exact: true }).fill('Python');
	await page.getByLabel('task', { exact: true }).fill(options.task);
	await page.getByLabel('Temperature').fill(options.temperature);
	await page.getByLabel('Cache', { exact: true }).selectOption(options.cache);
	await page.getByRole('button', { name: 'Run', exact: true }).click();
}

/** A promise and the function that settles it: a signal the test gives the model server. */
function signal(): { given: Promise<void>; give: () => void } {
	let give!: () => void;
	const given = new Promise<void>((resolve) => (give = resolve));
	return { given, give };
}

test('a team watches both models stream the same answer live; a late viewer catches up; a cancel stops it for all; a rerun comes from the cache', async ({ browser }) => {
	test.setTimeout(240_000);
	// Both answers stop after HELD tokens until the late viewer's page shows them running: the viewer
	// joins mid-stream by construction, however long its page takes to open, then the rest streams.
	const HELD = 12;
	const viewerJoined = signal();
	tgi.script({ tokens: ANSWER, delayMs: 40, holdAfter: { tokens: HELD, until: viewerJoined.given } });
	const owner = await signUp(browser, 'owner');
	const editor = await signUp(browser, 'editor');
	const viewer = await signUp(browser, 'viewer');
	const { promptPath } = await teamWithPrompt(owner, [
		[editor, 'editor'],
		[viewer, 'viewer']
	]);

	// The owner opens a session from the prompt page; the editor joins it by its address.
	await owner.page.getByRole('link', { name: 'Run it live' }).click();
	await expect(owner.page).toHaveURL(`${promptPath}/sessions`);
	await owner.page.getByLabel('Title').fill('Adders compared');
	await owner.page.getByRole('button', { name: 'Open session' }).click();
	await expect(owner.page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await expect(owner.page.getByRole('heading', { name: 'Adders compared', level: 1 })).toBeVisible();
	const sessionUrl = owner.page.url();
	await editor.page.goto(sessionUrl);
	for (const person of [owner, editor]) {
		await expectLive(person.page);
		const here = person.page.getByRole('list', { name: 'Here now' });
		for (const name of [owner.name, editor.name]) await expect(here.getByText(name, { exact: true })).toBeVisible();
	}
	await expect(owner.page.getByTestId('not-configured')).toHaveCount(0);

	// The owner runs v1 on both models at temperature 0; both pages show both streams.
	const task = `add two numbers ${Date.now()}`;
	await run(owner.page, { task, temperature: '0', cache: 'auto' });
	for (const person of [owner, editor]) {
		for (const model of MODELS) await expect(pane(person.page, model)).toHaveAttribute('data-status', /^(waiting|running)$/);
	}

	// The viewer opens the session once both answers have reached the hold, mid-stream.
	const soFar = ANSWER.slice(0, HELD).join('');
	for (const model of MODELS) await expect.poll(() => runText(owner.page, model)).toBe(soFar);
	await viewer.page.goto(sessionUrl);
	await expectLive(viewer.page);
	// It joined while the runs were going: it caught up with the text so far and follows them.
	for (const model of MODELS) {
		await expect(pane(viewer.page, model)).toHaveAttribute('data-status', 'running');
		await expect.poll(() => runText(viewer.page, model)).toBe(soFar);
	}
	viewerJoined.give();

	// Everyone ends with both runs done and exactly the scripted answer, the same on every page.
	for (const person of [owner, editor, viewer]) {
		for (const model of MODELS) {
			await expect(pane(person.page, model)).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
			expect(await runText(person.page, model), `${person.name}'s ${model} text`).toBe(ANSWER_TEXT);
			await expect(pane(person.page, model).getByTestId('cached-mark')).toHaveCount(0);
		}
	}
	expect(tgi.requests).toHaveLength(2);
	// The answer is rendered as markdown, its code block highlighted.
	await expect(pane(viewer.page, 'whiterabbitneo').locator('pre code.language-python .hljs-keyword').first()).toHaveText('def');
	await expect(pane(viewer.page, 'whiterabbitneo').locator('strong')).toHaveText('5');
	await expect(pane(viewer.page, 'whiterabbitneo').locator('pre code.language-python')).toHaveCount(2);

	// The viewer watches: no run form, no cancel.
	await expect(viewer.page.getByText('You are watching')).toBeVisible();
	await expect(viewer.page.getByRole('button', { name: 'Run', exact: true })).toHaveCount(0);
	await expect(viewer.page.getByLabel('task', { exact: true })).toHaveCount(0);

	// A run, uncached, whose answers stop after a few tokens and never go on: the editor cancels it,
	// and it stops for everyone (it could not have ended by itself first, however slow the pages).
	tgi.script({ tokens: ANSWER, delayMs: 40, holdAfter: { tokens: 6, until: new Promise(() => {}) } });
	await run(owner.page, { task: `${task} slowly`, temperature: '0', cache: 'never' });
	for (const model of MODELS) await expect.poll(() => runText(editor.page, model)).toBe(ANSWER.slice(0, 6).join(''));
	await expect(pane(editor.page, 'whiterabbitneo')).toHaveAttribute('data-status', 'running');
	await editor.page.getByRole('button', { name: 'Cancel', exact: true }).click();
	for (const person of [owner, editor, viewer]) {
		for (const model of MODELS) {
			await expect(pane(person.page, model)).toHaveAttribute('data-status', 'cancelled');
			await expect(pane(person.page, model).getByTestId('run-error')).toContainText(`Cancelled by ${editor.name}`);
		}
	}
	expect(tgi.requests).toHaveLength(2);
	await Promise.all(tgi.requests.map((request) => request.finished));
	for (const request of tgi.requests) {
		expect(request.clientClosed).toBe(true);
		expect(request.tokensSent).toBe(6);
	}
	// The first run is now listed below, collapsed, linking to its run pages.
	const earlier = owner.page.getByTestId('run-group').last();
	await expect(earlier).toBeVisible();
	await expect(earlier.getByRole('link', { name: /WhiteRabbitNeo-33B: done/ })).toHaveAttribute('href', /\/runs\/[0-9a-f-]{36}$/);

	// The first run again (temperature 0, cache auto): served from the cache, no model request at all.
	tgi.script({ tokens: ANSWER, delayMs: 60 });
	await run(owner.page, { task, temperature: '0', cache: 'auto' });
	for (const person of [owner, editor, viewer]) {
		for (const model of MODELS) {
			await expect(pane(person.page, model)).toHaveAttribute('data-status', 'succeeded');
			await expect(pane(person.page, model).getByTestId('cached-mark')).toBeVisible();
			expect(await runText(person.page, model)).toBe(ANSWER_TEXT);
		}
	}
	expect(tgi.requests).toHaveLength(0);

	for (const person of [owner, editor, viewer]) await person.context.close();
});

test('a viewer sees a prompt’s sessions but cannot open one, in the page or by posting the form', async ({ browser, baseURL }) => {
	const owner = await signUp(browser, 'owner');
	const viewer = await signUp(browser, 'viewer');
	const { promptPath } = await teamWithPrompt(owner, [[viewer, 'viewer']]);

	await owner.page.goto(`${promptPath}/sessions`);
	await owner.page.getByRole('button', { name: 'Open session' }).click();
	await expect(owner.page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));

	await viewer.page.goto(promptPath);
	await viewer.page.getByRole('link', { name: 'Run it live' }).click();
	await expect(viewer.page).toHaveURL(`${promptPath}/sessions`);
	await expect(viewer.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(1);
	await expect(viewer.page.getByRole('button', { name: 'Open session' })).toHaveCount(0);

	const refused = await viewer.page.request.post(`${promptPath}/sessions?/open`, {
		form: { title: 'By a viewer' },
		headers: { origin: new URL(baseURL!).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(refused.status()).toBe(403);
	await viewer.page.reload();
	await expect(viewer.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(1);

	// The session itself is open to the viewer, to watch.
	await viewer.page.getByRole('list', { name: 'Sessions' }).getByRole('link').click();
	await expectLive(viewer.page);
	await expect(viewer.page.getByText('You are watching')).toBeVisible();
	await expect(viewer.page.getByRole('button', { name: 'Run', exact: true })).toHaveCount(0);

	for (const person of [owner, viewer]) await person.context.close();
});
