// Live co-editing as a team does it, in chromium against the production build: an owner and an
// editor open the same prompt in two browsers and type at once; each sees the other's text, cursor
// and presence, and undo takes back only one's own typing. A viewer watches the same draft live and
// cannot change it (the page is read-only, and the server drops what a viewer's socket sends).
// A commit shows the new version in every open editor, and restoring v1 (from its history page)
// rewrites the draft in every open editor without a reload. Two people wearing one colour (a client
// that picks its own) keep their own names on their carets, and a browser moves off their colour.
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { uniquePromptName, uniqueWorkspaceName } from '../helpers/unique';
import { HUES, hueColor } from '../../src/lib/components/editor/user-color';
import { editorOf, shownText, signUp, teamWithPrompt } from './team';


/**
 * The remote carets an editor shows, in the order it shows them: each one's name label and where it
 * stands (the number of characters of the text before it, a line break counting one).
 */
function caretsShown(editor: Locator): Promise<Array<{ name: string; at: number }>> {
	return editor.evaluate((content) => {
		const carets: Array<{ name: string; at: number }> = [];
		let at = 0;
		const visit = (node: Node) => {
			if (node instanceof HTMLElement && node.classList.contains('cm-ySelectionCaret')) {
				carets.push({ name: node.querySelector('.cm-ySelectionInfo')?.textContent ?? '', at });
				return;
			}
			if (node instanceof HTMLElement && node.classList.contains('cm-placeholder')) return;
			if (node.nodeType === Node.TEXT_NODE) at += node.textContent?.length ?? 0;
			node.childNodes.forEach(visit);
		};
		content.querySelectorAll(':scope > .cm-line').forEach((line, i) => {
			if (i > 0) at += 1;
			visit(line);
		});
		return carets;
	});
}

/** Resolves once `page` has handled everything sent to it so far (its input included) and painted twice. */
function handled(page: Page): Promise<void> {
	return page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
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
	/**
	 * Asks the server for the draft again on this socket and waits for its answer. The server handles
	 * a socket's messages one after another, so by then it has handled everything sent before.
	 */
	const roundTrip = () =>
		new Promise<void>((resolve, reject) => {
			const socket = provider.ws!;
			const timer = setTimeout(() => reject(new Error('the server did not answer within 10 s')), 10_000);
			const onMessage = ({ data }: { data: unknown }) => {
				const bytes = new Uint8Array(data as ArrayBuffer);
				if (bytes[0] !== 0 || bytes[1] !== syncProtocol.messageYjsSyncStep2) return; // not the answer
				clearTimeout(timer);
				socket.removeEventListener('message', onMessage);
				resolve();
			};
			socket.addEventListener('message', onMessage);
			const ask = encoding.createEncoder();
			encoding.writeVarUint(ask, 0); // a sync message
			syncProtocol.writeSyncStep1(ask, doc);
			socket.send(encoding.toUint8Array(ask));
		});
	return { doc, provider, roundTrip, close: () => (provider.destroy(), doc.destroy()) };
}

test('two people co-edit a prompt live, a viewer watches read-only, and commits and a rollback reach everyone', async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	const title = uniquePromptName('Security review');

	// The owner makes a workspace and a prompt, and adds an editor and a viewer.
	const owner = await signUp(browser, 'owner');
	const editor = await signUp(browser, 'editor');
	const viewer = await signUp(browser, 'viewer');
	const [ownerName, editorName, viewerName] = [owner.name, editor.name, viewer.name];

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
	// The owner's typing is one undo step, or a few when the keys came further apart than the undo
	// manager's capture window (a loaded machine): undo until it is gone, never past the owner's own.
	const ownerTemplate = editorOf(owner.page, 'User template');
	for (let step = 0; step < 6 && (await shownText(ownerTemplate)).includes('OWNER'); step++) {
		await ownerTemplate.press('Control+z');
		await handled(owner.page);
	}
	for (const person of [owner, editor]) {
		await expectText(editorOf(person.page, 'User template'), 'Please. Review this {{language}} code:');
	}

	// The viewer sees it all live, and typing in the viewer's editor changes nothing.
	const viewerSystem = editorOf(viewer.page, 'System prompt');
	await expectText(viewerSystem, 'You review code for security flaws.');
	await expect(viewerSystem).toHaveAttribute('aria-readonly', 'true');
	await expect(caret(viewer.page, 'template-heading', editorName)).toBeVisible();
	// Every edit changes the viewer's own copy first, before anything is sent: once the page has
	// handled the keys, an unchanged text there means nothing left the viewer's page.
	await expect(viewerSystem).toHaveAttribute('contenteditable', 'false');
	await viewerSystem.click();
	await viewer.page.keyboard.type('VIEWER WAS HERE');
	await handled(viewer.page);
	expect(await shownText(viewerSystem)).toBe('You review code for security flaws.');
	expect(await shownText(ownerSystem)).toBe('You review code for security flaws.');
	await expect(viewer.page.getByRole('button', { name: 'Commit version' })).toHaveCount(0);
	await expect(viewer.page.getByRole('button', { name: 'Add example' })).toHaveCount(0);
	await expect(viewer.page.getByLabel('Max new tokens')).toBeDisabled();

	// Even a viewer's socket that sends an edit by hand changes nothing: the server drops it. Once the
	// server has answered a later message on that socket, it has handled the edit: had it applied it,
	// a client that opens the draft now would get it.
	const promptId = await owner.page.locator('[data-prompt-id]').getAttribute('data-prompt-id');
	expect(promptId).toBeTruthy();
	const forged = await openDraftAs(viewer.context, baseURL!, promptId!);
	forged.doc.getText('system').insert(0, 'FORGED BY VIEWER ');
	await forged.roundTrip();
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
	// v1 is the latest version: restored over the editor's typing, the draft matches it again, so
	// every page says there is nothing to commit, and no stale "restored from v1, commit it" notice.
	for (const person of [owner, editor, viewer]) {
		await expectText(editorOf(person.page, 'System prompt'), 'You review code for security flaws.');
		await expectText(editorOf(person.page, 'User template'), 'Please. Review this {{language}} code:');
		await expect(person.page.getByTestId('draft-changes')).toHaveText('No changes since v1');
		await expect(person.page.getByText('restored from version v1')).toHaveCount(0);
	}
	// Typed away from it again, the draft differs from v1, and the restore is worth saying again.
	await typeAtEnd(editorOf(editor.page, 'System prompt'), ' Be brief.');
	for (const person of [owner, editor, viewer]) {
		await expect(person.page.getByTestId('draft-changes')).toHaveText('Uncommitted changes since v1');
		await expect(person.page.getByText('restored from version v1')).toBeVisible();
	}

	for (const person of [owner, editor, viewer]) await person.context.close();
});

test('two people wearing one colour each keep their own name on their caret, and a browser moves off that colour', async ({ browser, baseURL }) => {
	test.setTimeout(90_000);
	const owner = await signUp(browser, 'owner');
	const editor = await signUp(browser, 'editor');
	const viewer = await signUp(browser, 'viewer');
	const { promptPath } = await teamWithPrompt(owner, [
		[editor, 'editor'],
		[viewer, 'viewer']
	]);
	await viewer.page.goto(promptPath);
	await expect(viewer.page.getByRole('status').filter({ hasText: /^\s*Connected\s*$/ })).toBeVisible();
	const template = editorOf(viewer.page, 'User template');
	await expectText(template, 'Generate {{language}} code: {{task}}');

	// The viewer's own colour (one of the hues), as its presence badge wears it.
	const badgeColor = () =>
		viewer.page
			.getByRole('list', { name: 'Here now' })
			.getByTitle(`${viewer.name} (you)`)
			.locator('span[aria-hidden="true"]')
			.evaluate((badge) => getComputedStyle(badge).backgroundColor);
	const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
	const hues = Array.from({ length: HUES }, (_, hue) => hueColor(hue));
	const own = await badgeColor();
	const shared = hues.find(({ color }) => rgb(color) === own);
	expect(shared, `the viewer's badge wears one of the hues (${own})`).toBeTruthy();

	// The owner and the editor, each from a client that picks its own colour (an older tab, a script):
	// both wear the viewer's. The server vouches for their names, not for their colours.
	const promptId = await viewer.page.locator('[data-prompt-id]').getAttribute('data-prompt-id');
	const people = await Promise.all([owner, editor].map((person) => openDraftAs(person.context, baseURL!, promptId!)));
	const [ownerClient, editorClient] = people as [(typeof people)[0], (typeof people)[0]];
	for (const client of people) client.provider.awareness.setLocalStateField('user', { ...shared! });
	const standAt = (client: typeof ownerClient, at: number) => {
		const position = Y.createRelativePositionFromTypeIndex(client.doc.getText('template'), at);
		client.provider.awareness.setLocalStateField('cursor', { anchor: position, head: position });
	};

	// The viewer's browser gives way to clients that do not say when they joined (they never move):
	// it moves to a colour nobody else there wears.
	await expect.poll(badgeColor, { message: 'the viewer moves off the colour the others wear' }).not.toBe(own);

	// Both carets, in the one colour, each labelled with its own person's name, once.
	standAt(ownerClient, 3);
	standAt(editorClient, 12);
	const expectCarets = (carets: Array<{ name: string; at: number }>) =>
		expect.poll(() => caretsShown(template), { message: `the viewer sees ${JSON.stringify(carets)}` }).toEqual(carets);
	await expectCarets([
		{ name: owner.name, at: 3 },
		{ name: editor.name, at: 12 }
	]);
	const caretColors = await template
		.locator('.cm-ySelectionCaret')
		.evaluateAll((carets) => carets.map((caret) => getComputedStyle(caret).backgroundColor));
	expect(caretColors).toEqual([own, own]);

	// They trade places.
	standAt(ownerClient, 12);
	standAt(editorClient, 3);
	await expectCarets([
		{ name: editor.name, at: 3 },
		{ name: owner.name, at: 12 }
	]);

	// The owner writes at the editor's caret. News of the owner's caret, inside the new text, comes
	// first: the server passes presence on at once and an edit once it is stored. Until the text
	// arrives the viewer cannot place that caret; then both carets move in one go.
	const draft = new Y.Doc();
	Y.applyUpdate(draft, Y.encodeStateAsUpdate(ownerClient.doc));
	draft.getText('template').insert(3, 'XXXX');
	const inside = Y.createRelativePositionFromTypeIndex(draft.getText('template'), 4);
	ownerClient.provider.awareness.setLocalStateField('cursor', { anchor: inside, head: inside });
	await ownerClient.roundTrip(); // the server has passed the caret on to the viewer
	Y.applyUpdate(ownerClient.doc, Y.encodeStateAsUpdate(draft, Y.encodeStateVector(ownerClient.doc)));
	await expectText(template, 'GenXXXXerate {{language}} code: {{task}}');
	await expectCarets([
		{ name: owner.name, at: 4 },
		{ name: editor.name, at: 7 }
	]);

	for (const client of people) client.close();
	for (const person of [owner, editor, viewer]) await person.context.close();
});

