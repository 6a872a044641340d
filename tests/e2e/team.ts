// What several specs do first: people sign up, one opens a workspace with the others as members and
// commits the "Generate code" starter as v1 of a prompt.
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';

export interface Person {
	name: string;
	context: BrowserContext;
	page: Page;
}

/** A new account in a browser context of its own, signed in; `baseURL` picks another studio than the config's. */
export async function signUp(browser: Browser, prefix: string, baseURL?: string): Promise<Person> {
	const name = uniqueUsername(prefix);
	const context = await browser.newContext(baseURL ? { baseURL } : {});
	const page = await context.newPage();
	await page.goto('/signup');
	await page.getByLabel('Username').fill(name);
	await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
	await page.getByLabel('Confirm password').fill(TEST_PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/workspaces$/);
	return { name, context, page };
}

/** The owner's workspace with the others as members, and a "Generate code" prompt committed as v1. */
export async function teamWithPrompt(
	owner: Person,
	members: [Person, 'editor' | 'viewer'][],
	workspaceName = 'Red team'
): Promise<{ workspacePath: string; promptPath: string }> {
	const page = owner.page;
	await page.getByLabel('Workspace name').fill(uniqueWorkspaceName(workspaceName));
	await page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(page).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(page.url()).pathname;
	for (const [person, role] of members) {
		await page.goto(`${workspacePath}/settings`);
		const addMember = page.locator('form').filter({ has: page.getByRole('button', { name: 'Add member' }) });
		await addMember.getByLabel('Username').fill(person.name);
		await addMember.getByLabel('Role').selectOption(role);
		await addMember.getByRole('button', { name: 'Add member' }).click();
		await expect(page.getByText(`${person.name} joined as ${role}.`).first()).toBeVisible();
	}
	// The starter "Generate {{language}} code: {{task}}", committed as v1 from the live editor.
	await page.goto(`${workspacePath}/prompts/new`);
	await page.getByRole('button', { name: 'Use “Generate code”' }).click();
	// Choosing a starter lands in its editor.
	await expect(page).toHaveURL(/\/prompts\/generate-code$/);
	const promptPath = `${workspacePath}/prompts/generate-code`;
	// Connecting loads the draft from the database: on a machine running a whole suite that has
	// taken over 10 s, so the wait is longer than an assertion's default.
	await expect(page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible({ timeout: 30_000 });
	await page.getByLabel('Commit message').fill('Starter');
	await page.getByRole('button', { name: 'Commit version' }).click();
	await expect(page.getByTestId('latest-version')).toContainText('v1');
	return { workspacePath, promptPath };
}

/** The live editor of one part of the prompt (CodeMirror's content element, a labelled textbox). */
export const editorOf = (page: Page, part: 'System prompt' | 'User template') => page.getByRole('textbox', { name: part, exact: true });

/**
 * The text an editor shows, line by line, without the remote carets' name labels that CodeMirror
 * draws inside the text (and without the placeholder of an empty editor).
 */
export function shownText(editor: Locator): Promise<string> {
	return editor.evaluate((content) =>
		[...content.querySelectorAll(':scope > .cm-line')]
			.map((line) => {
				const copy = line.cloneNode(true) as HTMLElement;
				copy.querySelectorAll('.cm-ySelectionCaret, .cm-placeholder').forEach((node) => node.remove());
				return copy.textContent ?? '';
			})
			.join('\n')
	);
}
