// Starting from a starter prompt, as a new team does in its first hour: the New prompt page offers
// the starters in product words (and fits a phone), and choosing one lands in the live editor with
// the starter's template there, ready to run — not on the form that edits a prompt's details.
import { expect, test } from '@playwright/test';
import { uniqueWorkspaceName } from '../helpers/unique';
import { editorOf, shownText, signUp } from './team';

test('choosing a starter opens its prompt in the editor, holding the starter’s template', async ({ browser }) => {
	const owner = await signUp(browser, 'starter');
	const page = owner.page;
	await page.getByLabel('Workspace name').fill(uniqueWorkspaceName('Starters'));
	await page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(page).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(page.url()).pathname;

	await page.goto(`${workspacePath}/prompts/new`);
	const starters = page.getByRole('region', { name: 'Or start from a starter prompt' });
	await expect(starters).toContainText('Choose one and it opens in the editor');
	await expect(page.getByText(/original plan/i)).toHaveCount(0);
	// On a phone the starters' one-line templates are cut short, not widening the page.
	await page.setViewportSize({ width: 390, height: 844 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await starters.getByRole('button', { name: 'Use “Security review”' }).click();

	await expect(page).toHaveURL(new RegExp(`${workspacePath}/prompts/security-review$`));
	await expect(page.getByRole('heading', { level: 1, name: 'Security review' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Edit details' })).toHaveCount(0);
	await expect(page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible();
	const template = editorOf(page, 'User template');
	await expect.poll(() => shownText(template)).toBe('Review this {{language}} code for security vulnerabilities.\n\n```{{language}}\n{{code}}\n```');
	await expect(page.getByRole('button', { name: 'Commit version' })).toBeVisible();
	await owner.context.close();
});
