// The first hour of a team, in chromium against the production build: the editor page says where
// the draft stands ("No changes since v1", "Uncommitted changes since v1" as anyone types, and back
// after the commit) and keeps a person's try-out values across a reload, and in a live session two people share the variable values: one types a
// multi-line {{code}}, the other sees it as it is typed, both reloads keep it, and a Run with empty
// variables asks first ("Fill in" or "Run anyway") instead of starting silently.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { editorOf, signUp, teamWithPrompt } from './team';

let tgi: TgiServer;

test.beforeAll(async () => {
	tgi = await startTgiServer({}, Number(process.env.E2E_TGI_PORT));
});
test.afterAll(async () => {
	await tgi?.close();
});

const changes = (page: Page) => page.getByTestId('draft-changes');
const saved = (page: Page) => page.getByTestId('draft-saved');
const variable = (page: Page, name: string): Locator => page.getByTestId('session-variables').getByLabel(name, { exact: true });

async function expectLive(page: Page) {
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
}

test('the editor says where the draft stands; a session shares its multi-line variable values live and keeps them; a run with empty ones asks first', async ({ browser }) => {
	test.setTimeout(180_000);
	tgi.script({ tokens: ['def', ' add', '(a, b):', '\n    return a + b'], delayMs: 5 });
	const owner = await signUp(browser, 'vowner');
	const editor = await signUp(browser, 'veditor');
	const { promptPath } = await teamWithPrompt(owner, [[editor, 'editor']]);

	// v1 is committed and the draft matches it; the other person's page says the same.
	await expect(changes(owner.page)).toHaveText('No changes since v1');
	await expect(saved(owner.page)).toHaveText('Saved');
	await editor.page.goto(promptPath);
	// The live draft loads first (slowly on a busy machine); then the page compares.
	await expect(editor.page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible({ timeout: 30_000 });
	await expect(changes(editor.page)).toHaveText('No changes since v1');

	// The owner adds a {{code}} block to the template: both pages say there is something to commit,
	// and the owner's page says the edit is stored once the server has it.
	const template = editorOf(owner.page, 'User template');
	await template.click();
	await template.press('Control+End');
	await template.press('Enter');
	await template.pressSequentially('{{code}}', { delay: 10 });
	for (const page of [owner.page, editor.page]) await expect(changes(page)).toHaveText('Uncommitted changes since v1');
	await expect(saved(owner.page)).toHaveText('Saved');

	// Committed: both pages compare with v2 now, and nothing differs.
	await owner.page.getByLabel('Commit message').fill('Review a code block');
	await owner.page.getByRole('button', { name: 'Commit version' }).click();
	for (const page of [owner.page, editor.page]) await expect(changes(page)).toHaveText('No changes since v2');

	// The editor page's try-out values are the owner's own, multi-line, and kept across a reload.
	const sample = owner.page.getByLabel('code', { exact: true });
	await sample.fill('x = 1\ny = 2');
	await expect(owner.page.getByTestId('template-preview')).toContainText('x = 1\ny = 2');
	await owner.page.reload();
	await expect(owner.page.getByLabel('code', { exact: true })).toHaveValue('x = 1\ny = 2', { timeout: 30_000 });
	await expect(editor.page.getByLabel('code', { exact: true })).toHaveValue('');

	// A session: the owner opens it, the editor joins by its address.
	await owner.page.goto(`${promptPath}/sessions`);
	await owner.page.getByLabel('Title').fill('Shared values');
	await owner.page.getByRole('button', { name: 'Open session' }).click();
	await expect(owner.page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	const sessionUrl = owner.page.url();
	await editor.page.goto(sessionUrl);
	for (const page of [owner.page, editor.page]) await expectLive(page);

	// The editor types a multi-line {{code}}: Enter adds a line, the field grows, the owner sees it as typed.
	const code = variable(editor.page, 'code');
	const oneLine = (await code.boundingBox())!.height;
	await code.click();
	await code.pressSequentially('def add(a, b):', { delay: 10 });
	await code.press('Enter');
	await code.pressSequentially('    return a + b', { delay: 10 });
	const typed = 'def add(a, b):\n    return a + b';
	await expect(code).toHaveValue(typed);
	expect((await code.boundingBox())!.height).toBeGreaterThan(oneLine * 1.5);
	await expect(variable(owner.page, 'code')).toHaveValue(typed);

	// Both reload: the session keeps the value (the server holds it, not the page).
	for (const page of [editor.page, owner.page]) {
		await page.reload();
		await expectLive(page);
		await expect(variable(page, 'code')).toHaveValue(typed);
	}

	// Run with language and task empty: the page asks first, and nothing starts.
	const latest = owner.page.getByTestId('latest-runs');
	await owner.page.getByRole('button', { name: 'Run', exact: true }).click();
	const warning = owner.page.getByTestId('empty-variables');
	await expect(warning).toContainText('2 of 3 variables are empty: language, task');
	expect(tgi.requests).toHaveLength(0);
	await expect(latest.getByTestId('run-output-whiterabbitneo')).toHaveCount(0);

	// "Fill in language" goes to that field; filled, only the task is left to ask about.
	await warning.getByRole('button', { name: 'Fill in language' }).click();
	await expect(variable(owner.page, 'language')).toBeFocused();
	await owner.page.keyboard.type('Python');
	await expect(variable(editor.page, 'language')).toHaveValue('Python');
	await owner.page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(warning).toContainText('One variable is empty: task');

	// "Run anyway" starts it, for everyone.
	await warning.getByRole('button', { name: 'Run anyway' }).click();
	await expect(warning).toHaveCount(0);
	for (const page of [owner.page, editor.page]) {
		await expect(page.getByTestId('latest-runs').getByTestId('run-output-whiterabbitneo')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
	}
	const sent = JSON.stringify(tgi.requests[0]);
	expect(sent).toContain('def add(a, b):\\n    return a + b');
	expect(sent).toContain('Python');
});
