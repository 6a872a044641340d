// Joining a team by link, in chromium against the production build: an owner makes an invitation
// link and copies it; a newcomer opens it, signs up through it, comes back and joins as an editor; a
// person already signed in joins another link as a viewer with one click. The copy buttons put on
// the clipboard what they say: the link, a new API token, the "Use this prompt" code.
import { expect, test, type Page } from '@playwright/test';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';
import { screenshots } from './fit';
import { signUp } from './team';

const CLIPBOARD = ['clipboard-read', 'clipboard-write'];

// Several people, each in a browser of their own, on a machine that may be busy: three times the
// default time per test (no assertion here is about speed).
test.slow();

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

/** Makes an invitation link from the workspace's settings; answers the link the page showed. */
async function makeLink(page: Page, workspacePath: string, role: 'editor' | 'viewer', uses: string): Promise<string> {
	await page.goto(`${workspacePath}/settings`);
	const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create invitation link' }) });
	await form.getByLabel('They join as').selectOption(role);
	await form.getByLabel('Who can use it').selectOption(uses);
	await form.getByRole('button', { name: 'Create invitation link' }).click();
	const shown = page.getByTestId('new-invitation-link');
	await expect(shown).toContainText('/invite/');
	return (await shown.textContent())!.trim();
}

test('an owner shares a link; a newcomer signs up through it and lands in the workspace as an editor', async ({ browser, baseURL }) => {
	const owner = await signUp(browser, 'invown');
	await owner.context.grantPermissions(CLIPBOARD, { origin: baseURL });
	const newcomer = await browser.newContext();
	try {
		const workspaceName = uniqueWorkspaceName('Link team');
		await owner.page.getByLabel('Workspace name').fill(workspaceName);
		await owner.page.getByRole('button', { name: 'Create workspace' }).click();
		await expect(owner.page).toHaveURL(/\/w\/[^/]+$/);
		const workspacePath = new URL(owner.page.url()).pathname;

		const link = await makeLink(owner.page, workspacePath, 'editor', '1');
		await owner.page.getByRole('button', { name: 'Copy link' }).first().click();
		await expect(owner.page.getByRole('button', { name: 'Copied' }).first()).toBeVisible();
		expect(await clipboard(owner.page)).toBe(link);
		// The list of working links offers the copy again in this browser, and says how it is used.
		await owner.page.reload();
		const row = owner.page.getByRole('listitem', { name: /^editor link made/ });
		await expect(row).toContainText('single use');
		await row.getByRole('button', { name: /^Copy the editor link/ }).click();
		expect(await clipboard(owner.page)).toBe(link);

		const page = await newcomer.newPage();
		await page.goto(link);
		await expect(page.getByRole('heading', { name: `Join ${workspaceName}` })).toBeVisible();
		await expect(page.getByText(`${owner.name} invited you to this CodeTuneStudio workspace.`)).toBeVisible();
		await page.getByRole('link', { name: 'Create an account' }).click();
		await expect(page).toHaveURL(/\/signup\?redirectTo=%2Finvite%2F/);
		const name = uniqueUsername('invnew');
		await page.getByLabel('Username').fill(name);
		await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
		await page.getByLabel('Confirm password').fill(TEST_PASSWORD);
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page).toHaveURL(new URL(link).pathname);
		await page.getByRole('button', { name: 'Join as an editor' }).click();
		await expect(page).toHaveURL(new RegExp(`${workspacePath}$`));
		await expect(page.getByText('Editor', { exact: true }).first()).toBeVisible();

		// The owner sees the newcomer among the members, and the single-use link gone from the list.
		await owner.page.goto(`${workspacePath}/settings`);
		await expect(owner.page.getByRole('listitem', { name })).toBeVisible();
		await expect(owner.page.getByText('No working invitation links.')).toBeVisible();
		// Used up: the next visitor gets one calm sentence.
		await page.goto(link);
		await expect(page.getByRole('heading', { name: 'This invitation link cannot be used' })).toBeVisible();
	} finally {
		await newcomer.close();
		await owner.context.close();
	}
});

test('a signed-in person joins a link as a viewer with one click; removed by the owner, the same link does not let them back in', async ({ browser }) => {
	const owner = await signUp(browser, 'invown2');
	const person = await signUp(browser, 'invjoin');
	try {
		await owner.page.getByLabel('Workspace name').fill(uniqueWorkspaceName('Viewers'));
		await owner.page.getByRole('button', { name: 'Create workspace' }).click();
		await expect(owner.page).toHaveURL(/\/w\/[^/]+$/);
		const workspacePath = new URL(owner.page.url()).pathname;
		const link = await makeLink(owner.page, workspacePath, 'viewer', '5');

		await person.page.goto(link);
		await expect(person.page.getByText(`Signed in as ${person.name}.`)).toBeVisible();
		await person.page.getByRole('button', { name: 'Join as a viewer' }).click();
		await expect(person.page).toHaveURL(new RegExp(`${workspacePath}$`));
		await expect(person.page.getByText('Viewer', { exact: true }).first()).toBeVisible();
		await person.page.goto(link);
		await expect(person.page.getByText('You are already a viewer in this workspace.')).toBeVisible();

		// The owner removes them; the link (4 uses left) says why it will not let them in again.
		await owner.page.goto(`${workspacePath}/settings`);
		await owner.page.getByRole('button', { name: `Remove ${person.name}` }).click();
		await owner.page.getByRole('alertdialog').getByRole('button', { name: 'Remove', exact: true }).click();
		await expect(owner.page.getByRole('listitem', { name: person.name })).toHaveCount(0);
		await person.page.goto(link);
		await expect(person.page.getByText('You have joined through this link before, and a link lets each person in once.')).toBeVisible();
		await expect(person.page.getByRole('button', { name: 'Join as a viewer' })).toHaveCount(0);
		await screenshots(person.page, 'invitation-used-before');
	} finally {
		await person.context.close();
		await owner.context.close();
	}
});

test('copy buttons put the new API token and the "Use this prompt" code on the clipboard', async ({ browser, baseURL }) => {
	const owner = await signUp(browser, 'invcopy');
	await owner.context.grantPermissions(CLIPBOARD, { origin: baseURL });
	try {
		const page = owner.page;
		await page.getByLabel('Workspace name').fill(uniqueWorkspaceName('Copy team'));
		await page.getByRole('button', { name: 'Create workspace' }).click();
		await expect(page).toHaveURL(/\/w\/[^/]+$/);
		const workspacePath = new URL(page.url()).pathname;
		// The "Generate code" starter, committed as v1 from the live editor.
		await page.goto(`${workspacePath}/prompts/new`);
		await page.getByRole('button', { name: 'Use “Generate code”' }).click();
		// Choosing the starter makes the prompt (its edit form or its editor opens next).
		await expect(page).toHaveURL(/\/prompts\/generate-code(\/edit)?$/);
		const promptPath = `${workspacePath}/prompts/generate-code`;
		await page.goto(promptPath);
		// A busy machine may take a while to open the live draft: wait for it as a person would.
		await expect(page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible({ timeout: 45_000 });
		await page.getByLabel('Commit message').fill('Starter');
		await page.getByRole('button', { name: 'Commit version' }).click();
		await expect(page.getByTestId('latest-version')).toContainText('v1');
		// The panel offers the new version at once, without a reload.
		await expect(page.getByRole('region', { name: 'Use this prompt' }).getByRole('option', { name: 'v1, the newest (no label yet)' })).toBeAttached();

		await page.goto(`${workspacePath}/settings/tokens`);
		await page.getByLabel('Name').fill('Clipboard token');
		await page.getByRole('checkbox', { name: /^run/ }).check();
		await page.getByRole('button', { name: 'Create token' }).click();
		const token = (await page.getByTestId('new-token').textContent())!.trim();
		expect(token).toMatch(/^cts_/);
		await page.getByRole('button', { name: 'Copy token' }).click();
		await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
		expect(await clipboard(page)).toBe(token);

		await page.goto(promptPath);
		const panel = page.getByRole('region', { name: 'Use this prompt' });
		await expect(panel.getByLabel('Version to use')).toHaveValue('0');
		await expect(panel.getByRole('option', { name: 'v1, the newest (no label yet)' })).toBeAttached();
		await panel.getByRole('button', { name: 'Copy the curl code' }).click();
		const curl = await clipboard(page);
		expect(curl).toContain(`${baseURL}/api/v1/prompts/generate-code?version=1`);
		expect(curl).toContain('Authorization: Bearer $CTS_API_TOKEN');
		await panel.getByRole('tab', { name: 'Python' }).click();
		await panel.getByRole('button', { name: 'Copy the Python code' }).click();
		const python = await clipboard(page);
		expect(python).toContain('import requests');
		expect(python).toContain('"task": "<task>"');
		await expect(panel.getByRole('link', { name: 'Create a token →' })).toHaveAttribute('href', `${workspacePath}/settings/tokens`);

		// On a phone, in dark mode, the panel and its code fit the screen.
		await page.setViewportSize({ width: 390, height: 844 });
		await page.emulateMedia({ colorScheme: 'dark' });
		await page.reload();
		await expect(panel.getByRole('tab', { name: 'curl' })).toBeVisible();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	} finally {
		await owner.context.close();
	}
});
