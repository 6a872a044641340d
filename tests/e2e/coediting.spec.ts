// Live co-editing as a team does it, in chromium against the production build: an owner and an
// editor open the same prompt in two browsers and type at once; each sees the other's text, cursor
// and presence, and undo takes back only one's own typing. A viewer watches the same draft live and
// cannot change it (the page is read-only, and the server drops what a viewer's socket sends).
// A commit shows the new version in every open editor, and restoring v1 (from its history page)
// rewrites the draft in every open editor without a reload.
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { TEST_PASSWORD, uniquePromptName, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';

async function signUp(browser: Browser, username: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/signup');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
	await page.getByLabel('Confirm password').fill(TEST_PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/workspaces$/);
	return { context, page };
}

/** The live editor of one part of the prompt (CodeMirror's content element, a labelled textbox). */
const editorOf = (page: Page, part: 'System prompt' | 'User template') => page.getByRole('textbox', { name: part, exact: true });

/**
 * The text an editor shows, line by line, without the remote carets' name labels that CodeMirror
 * draws inside the text (and without the placeholder of an empty editor).
 */
function shownText(editor: Locator): Promise<string> {
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

/** Waits until the editor shows exactly `text`. */
async function expectText(editor: Locator, text: string) {
	await expect.poll(() => shownText(editor), { message: `the editor shows ${JSON.stringify(text)}` }).toBe(text);
}

/** Puts the caret at the end of an editor and types there, as a person would. */
async function typeAtEnd(editor: Locator, text: string) {
	await editor.click();
	await editor.press('Control+End');
	await editor.pressSequentially(text, { delay: 15 });
}

/** The draft's current state as a Node y-websocket client sees it, signed in with `context`'s session. */
async function openDraftAs(context: BrowserContext, baseURL: string, promptId: string) {
	const cookie = (await context.cookies(baseURL)).map((c) => `${c.name}=${c.value}`).join('; ');
	const origin = new URL(baseURL).origin;
	class SessionSocket extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers: { cookie }, origin });
		}
	}
	const doc = new Y.Doc();
	const url = new URL('/yjs', baseURL);
	url.protocol = 'ws:';
	const provider = new WebsocketProvider(url.href, promptId, doc, {
		WebSocketPolyfill: SessionSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the draft did not sync within 10 s')), 10_000);
		provider.once('sync', () => {
			clearTimeout(timer);
			resolve();
		});
	});
	return { doc, provider, close: () => (provider.destroy(), doc.destroy()) };
}

test('two people co-edit a prompt live, a viewer watches read-only, and commits and a rollback reach everyone', async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	const ownerName = uniqueUsername('owner');
	const editorName = uniqueUsername('editor');
	const viewerName = uniqueUsername('viewer');
	const title = uniquePromptName('Security review');

	// The owner makes a workspace and a prompt, and adds an editor and a viewer.
	const owner = await signUp(browser, ownerName);
	const editor = await signUp(browser, editorName);
	const viewer = await signUp(browser, viewerName);

	await owner.page.getByLabel('Workspace name').fill(uniqueWorkspaceName('Red team'));
	await owner.page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(owner.page).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(owner.page.url()).pathname;
	for (const [name, role] of [
		[editorName, 'editor'],
		[viewerName, 'viewer']
	] as const) {
		await owner.page.goto(`${workspacePath}/settings`);
		const addMember = owner.page.locator('form').filter({ has: owner.page.getByRole('button', { name: 'Add member' }) });
		await addMember.getByLabel('Username').fill(name);
		await addMember.getByLabel('Role').selectOption(role);
		await addMember.getByRole('button', { name: 'Add member' }).click();
		await expect(owner.page.getByText(`${name} joined as ${role}.`).first()).toBeVisible();
	}
	await owner.page.goto(`${workspacePath}/prompts/new`);
	await owner.page.getByLabel('Title').fill(title);
	await owner.page.getByLabel('Visibility').selectOption('workspace');
	await owner.page.getByRole('button', { name: 'Create prompt' }).click();
	await expect(owner.page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
	const promptPath = new URL(owner.page.url()).pathname;

	// Everyone opens the live editor.
	await editor.page.goto(promptPath);
	await viewer.page.goto(promptPath);
	for (const person of [owner, editor, viewer]) {
		await expect(person.page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible();
	}

	// Both type, each in a part of their own; each sees the other's text appear.
	const ownerSystem = editorOf(owner.page, 'System prompt');
	const editorTemplate = editorOf(editor.page, 'User template');
	await typeAtEnd(ownerSystem, 'You review code for security flaws.');
	await typeAtEnd(editorTemplate, 'Review this {{language}} code:');
	await expectText(editorOf(editor.page, 'System prompt'), 'You review code for security flaws.');
	await expectText(editorOf(owner.page, 'User template'), 'Review this {{language}} code:');

	// Each sees the other's caret, labelled with their name, where they are typing; and who is here.
	const caret = (page: Page, heading: string, name: string) =>
		page.locator(`section[aria-labelledby="${heading}"] .cm-ySelectionInfo`).filter({ hasText: name });
	await expect(caret(owner.page, 'template-heading', editorName)).toBeVisible();
	await expect(caret(editor.page, 'system-heading', ownerName)).toBeVisible();
	for (const person of [owner, editor, viewer]) {
		const here = person.page.getByRole('list', { name: 'Here now' });
		for (const name of [ownerName, editorName, viewerName]) await expect(here.getByText(name, { exact: true })).toBeVisible();
	}

	// The template's variable is highlighted, listed with a sample value, and rendered in the preview.
	await expect(owner.page.locator('.cm-templateVariable', { hasText: '{{language}}' })).toBeVisible();
	await owner.page.getByLabel('language', { exact: true }).fill('Go');
	await expect(owner.page.getByTestId('template-preview')).toHaveText('Review this Go code:');

	// Both type in the same part at once; undo takes back only one's own typing.
	await typeAtEnd(editorOf(owner.page, 'User template'), ' OWNER-NOTE');
	await expect.poll(() => shownText(editorTemplate)).toContain('OWNER-NOTE');
	await editorTemplate.click();
	await editorTemplate.press('Control+Home');
	await editorTemplate.pressSequentially('Please. ', { delay: 15 });
	await expectText(editorOf(owner.page, 'User template'), 'Please. Review this {{language}} code: OWNER-NOTE');
	await editorOf(owner.page, 'User template').press('Control+z');
	for (const person of [owner, editor]) {
		await expectText(editorOf(person.page, 'User template'), 'Please. Review this {{language}} code:');
	}

	// The viewer sees it all live, and typing in the viewer's editor changes nothing.
	const viewerSystem = editorOf(viewer.page, 'System prompt');
	await expectText(viewerSystem, 'You review code for security flaws.');
	await expect(viewerSystem).toHaveAttribute('aria-readonly', 'true');
	await expect(caret(viewer.page, 'template-heading', editorName)).toBeVisible();
	await viewerSystem.click();
	await viewer.page.keyboard.type('VIEWER WAS HERE');
	await viewer.page.waitForTimeout(500);
	await expectText(viewerSystem, 'You review code for security flaws.');
	await expectText(ownerSystem, 'You review code for security flaws.');
	await expect(viewer.page.getByRole('button', { name: 'Commit version' })).toHaveCount(0);
	await expect(viewer.page.getByRole('button', { name: 'Add example' })).toHaveCount(0);
	await expect(viewer.page.getByLabel('Max tokens')).toBeDisabled();

	// Even a viewer's socket that sends an edit by hand changes nothing: the server drops it.
	const promptId = await owner.page.locator('[data-prompt-id]').getAttribute('data-prompt-id');
	expect(promptId).toBeTruthy();
	const forged = await openDraftAs(viewer.context, baseURL!, promptId!);
	forged.doc.getText('system').insert(0, 'FORGED BY VIEWER ');
	await owner.page.waitForTimeout(1000);
	forged.close();
	const fresh = await openDraftAs(owner.context, baseURL!, promptId!);
	expect(fresh.doc.getText('system').toString()).toBe('You review code for security flaws.');
	fresh.close();
	await expectText(ownerSystem, 'You review code for security flaws.');

	// The owner commits; every open editor shows the new version.
	await owner.page.getByLabel('Commit message').fill('First cut');
	await owner.page.getByRole('button', { name: 'Commit version' }).click();
	for (const person of [owner, editor, viewer]) {
		await expect(person.page.getByTestId('latest-version')).toContainText('v1');
	}

	// The editor keeps going; then v1 is restored, and every open editor shows v1's text at once.
	await typeAtEnd(editorOf(editor.page, 'System prompt'), ' Be terse.');
	await expectText(ownerSystem, 'You review code for security flaws. Be terse.');
	// The owner restores v1 from its page in another tab, as a reviewer would.
	const history = await owner.context.newPage();
	await history.goto(`${promptPath}/versions/1`);
	await history.getByRole('button', { name: 'Restore', exact: true }).click();
	await history.getByRole('alertdialog').getByRole('button', { name: 'Restore', exact: true }).click();
	for (const person of [owner, editor, viewer]) {
		await expectText(editorOf(person.page, 'System prompt'), 'You review code for security flaws.');
		await expectText(editorOf(person.page, 'User template'), 'Please. Review this {{language}} code:');
		await expect(person.page.getByText('restored from version v1')).toBeVisible();
	}

	for (const person of [owner, editor, viewer]) await person.context.close();
});
