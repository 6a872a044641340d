// Managing a prompt as its team sees it: deleting lives at the bottom of Edit details, set apart from
// the everyday actions, behind a confirm step that names the prompt and what goes with it (and works
// with JavaScript off); and the most tokens a run may write is called "Max new tokens" wherever it
// is set or read: the editor, the session's run form, a version, the public page.
// With SCREENSHOT_DIR set, each page is also saved at 1440 and 390 px, light and dark.
import { expect, test } from '@playwright/test';
import { screenshots } from './fit';
import { signUp, teamWithPrompt } from './team';

test('a prompt is deleted from the bottom of Edit details, after a step that names it and what goes with it', async ({ browser }) => {
	const owner = await signUp(browser, 'deleter');
	const { workspacePath, promptPath } = await teamWithPrompt(owner, [], 'Deleters');
	const page = owner.page;

	// The editor's header keeps the everyday actions only.
	await expect(page.getByRole('link', { name: 'Run it live' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Edit details' })).toBeVisible();
	await expect(page.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
	await screenshots(page, 'prompt-page');

	await page.getByRole('link', { name: 'Edit details' }).click();
	await expect(page).toHaveURL(`${promptPath}/edit`);
	const section = page.getByRole('region', { name: 'Delete this prompt' });
	await expect(section).toContainText('its 1 version with every label and review');
	await expect(section).toContainText('This cannot be undone.');
	await screenshots(page, 'prompt-edit');

	// The step names the prompt; cancelling keeps it.
	await section.getByRole('button', { name: 'Delete this prompt…' }).click();
	const dialog = page.getByRole('alertdialog');
	await expect(dialog.getByRole('heading', { name: 'Delete “Generate code”?' })).toBeVisible();
	await expect(dialog).toContainText('its 1 version with every label and review');
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	// The dialog is fixed to the screen: a screenshot of the screen, not of the whole page.
	await screenshots(page, 'prompt-delete-dialog', false);
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toHaveCount(0);
	await page.goto(promptPath);
	await expect(page.getByRole('heading', { name: 'Generate code' })).toBeVisible();

	await page.goto(`${promptPath}/edit`);
	await page.getByRole('button', { name: 'Delete this prompt…' }).click();
	await page.getByRole('alertdialog').getByRole('button', { name: 'Delete prompt' }).click();
	await expect(page).toHaveURL(workspacePath);
	await expect(page.getByRole('link', { name: 'Generate code' })).toHaveCount(0);
	expect((await page.goto(promptPath))!.status()).toBe(404);
	await owner.context.close();
});

test('with JavaScript off, Edit details still deletes the prompt', async ({ browser }) => {
	const owner = await signUp(browser, 'nojsdel');
	await owner.page.getByLabel('Workspace name').fill(`No script ${Date.now().toString(36)}`);
	await owner.page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(owner.page).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(owner.page.url()).pathname;

	const context = await browser.newContext({ javaScriptEnabled: false, storageState: await owner.context.storageState() });
	const page = await context.newPage();
	await page.goto(`${workspacePath}/prompts/new`);
	await page.getByLabel('Title').fill('Short lived');
	await page.getByRole('button', { name: 'Create prompt' }).click();
	await expect(page).toHaveURL(`${workspacePath}/prompts/short-lived`);
	await page.getByRole('link', { name: 'Edit details' }).click();
	await expect(page.getByRole('region', { name: 'Delete this prompt' })).toContainText('Its live draft, its sessions and evaluations are deleted.');
	// Without JavaScript there is no dialog: the button submits, as every confirm button does.
	await page.getByRole('button', { name: 'Delete this prompt…' }).click();
	await expect(page).toHaveURL(workspacePath);
	expect((await page.goto(`${workspacePath}/prompts/short-lived`))!.status()).toBe(404);
	await context.close();
	await owner.context.close();
});

test('the most tokens a run may write is "Max new tokens" in the editor, the run form, a version and the public page', async ({ browser }) => {
	const owner = await signUp(browser, 'words');
	const { promptPath } = await teamWithPrompt(owner, [], 'Wording');
	const page = owner.page;
	const oldWord = page.getByText('Max tokens');

	// The editor's parameters.
	await expect(page.getByLabel('Max new tokens', { exact: true })).toBeVisible();
	await expect(oldWord).toHaveCount(0);

	// A committed version.
	await page.goto(`${promptPath}/versions/1`);
	await expect(page.getByText('Max new tokens', { exact: true })).toBeVisible();
	await expect(oldWord).toHaveCount(0);
	await screenshots(page, 'version-page');

	// A live session's run form.
	await page.goto(`${promptPath}/sessions`);
	await page.getByLabel('Title').fill('Words');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
	await expect(page.getByLabel('Max new tokens', { exact: true })).toBeVisible();
	await expect(oldWord).toHaveCount(0);
	await screenshots(page, 'session-run-form');

	// The public page of the published version.
	await page.goto(`${promptPath}/publish`);
	await page.getByLabel('Title').fill(`Worded code generator ${Date.now().toString(36)}`);
	await page.getByRole('button', { name: 'Publish v1' }).click();
	const publicLink = page.getByRole('link', { name: /^\/library\// });
	await expect(publicLink).toBeVisible();
	await page.goto((await publicLink.getAttribute('href'))!);
	await expect(page.getByText('Max new tokens', { exact: true })).toBeVisible();
	await expect(oldWord).toHaveCount(0);
	await screenshots(page, 'public-page');
	await owner.context.close();
});
