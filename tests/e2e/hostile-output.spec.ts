// A model answer is hostile (F4, security-repro/fake-model.mjs): one that holds a form with an
// invisible full-page button would, once rendered, turn the reader's next click anywhere into a post
// from our own origin with their cookie ("grant site admin", a review verdict). Both models answer
// that payload here, through the TGI-protocol test server playwright.config.ts points them at; the
// rendered output must hold no form, no control, no style, and a click on it must post nothing.
import { expect, test } from '@playwright/test';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { signUp, teamWithPrompt } from './team';

const PAYLOAD =
	'Here is the result.\n\n<form method="post" action="/admin/reports?/grant"><input type="hidden" name="username" value="mallory"><button style="position:fixed;top:0;left:0;width:100vw;height:100vh;opacity:0;z-index:2147483647;cursor:default">ok</button></form>\n\nAnd [a link](/admin/reports?/grant).';

let tgi: TgiServer;

test.beforeAll(async () => {
	tgi = await startTgiServer({}, Number(process.env.E2E_TGI_PORT));
});
test.afterAll(async () => {
	await tgi?.close();
});

test('a model answer with a form and a full-page button renders as inert text, and a click on it posts nothing', async ({ browser }) => {
	test.setTimeout(120_000);
	tgi.script({ tokens: PAYLOAD.match(/\s*\S+/g)! });
	const reader = await signUp(browser, 'reader');
	const { promptPath } = await teamWithPrompt(reader, []);
	const page = reader.page;

	await page.goto(`${promptPath}/sessions`);
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('language', { exact: true }).fill('HTML');
	await page.getByLabel('task', { exact: true }).fill(`a form ${Date.now()}`);
	await page.getByLabel('Cache', { exact: true }).selectOption('never');
	await page.getByRole('button', { name: 'Run', exact: true }).click();

	const sessionUrl = page.url();
	const panes = ['whiterabbitneo', 'codet5p'].map((model) => page.getByTestId('latest-runs').getByTestId(`run-output-${model}`));
	for (const pane of panes) await expect(pane).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
	await expect(panes[0]!.locator('.run-markdown')).toContainText('Here is the result.');

	// The reader clicks in the middle of the answer: no submit, no post, no navigation.
	const posts: string[] = [];
	page.on('request', (request) => {
		if (request.method() === 'POST') posts.push(request.url());
	});
	await page.evaluate(() => {
		const w = window as unknown as { submits: string[] };
		w.submits = [];
		document.addEventListener('submit', (event) => w.submits.push((event.target as HTMLFormElement).action), true);
	});
	await panes[0]!.locator('.run-markdown').scrollIntoViewIfNeeded();
	const box = (await panes[0]!.locator('.run-markdown').boundingBox())!;
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
	expect(await page.evaluate(() => (window as unknown as { submits: string[] }).submits)).toEqual([]);
	expect(posts).toEqual([]);
	expect(page.url()).toBe(sessionUrl);

	for (const pane of panes) {
		const output = pane.locator('.run-markdown');
		// Nothing the model wrote became an element: no form, no control, no style, no overlay class.
		await expect(output.locator('form, button, input, textarea, select, iframe, [style], [class*="fixed"]')).toHaveCount(0);
		// It is there to read, as text.
		await expect(output).toContainText('<form method="post" action="/admin/reports?/grant">');
		// A same-origin link from a model is no link.
		await expect(output.locator('a[href]')).toHaveCount(0);
		await expect(output.getByText('a link')).toBeVisible();
		// Nothing lies over it: the answer itself takes the click.
		await output.click();
	}
	await expect(page.locator('form[action*="/admin/"]')).toHaveCount(0);
	expect(await page.evaluate(() => (window as unknown as { submits: string[] }).submits)).toEqual([]);
	expect(posts).toEqual([]);
	expect(page.url()).toBe(sessionUrl);
	// The page still works as before: the session is live.
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');

	await reader.context.close();
});
