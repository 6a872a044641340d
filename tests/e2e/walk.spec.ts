// A team's walk through the pages around a prompt, in chromium against the production build: an
// editor rewrites the template and commits v2 (the history lists v1 and v2, the diff shows what was
// removed and added); the owner protects production, the editor proposes v2 for it, the owner
// requests changes, then approves, and the editor merges (production moves to v2, logged "via
// review"); the owner makes an API token, a program reads production with it (v2) until the token
// is revoked (401); the editor keeps typing while offline and the edit reaches the owner's editor
// and the server once back online. Last, on a fresh studio of its own (the shared one's first
// account belongs to whichever spec ran first), the first account is site admin: it sees a user's
// report, hides the prompt, grants the role to another user and revokes it again.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { uniquePromptName } from '../helpers/unique';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { expectPageFits, SCHEMES, SCREENS, watchConsole } from './fit';
import { editorOf, shownText, signUp, teamWithPrompt, type Person } from './team';


async function expectText(editor: Locator, text: string) {
	await expect.poll(() => shownText(editor), { message: `the editor shows ${JSON.stringify(text)}` }).toBe(text);
}

const connection = (page: Page) => page.getByRole('status').filter({ hasText: /^\s*(Connecting…|Connected|Offline|Disconnected)/ });
const tab = (page: Page, name: string | RegExp) => page.getByRole('navigation', { name: 'Prompt' }).getByRole('link', { name });
/** What a form action said: the page's inline message (a toast says it too). */
const said = (page: Page, text: string | RegExp) => page.getByText(text).first();

const OLD_TEMPLATE = 'Generate {{language}} code: {{task}}';
const NEW_TEMPLATE = 'Write {{language}} code that does: {{task}}';
const OFFLINE_LINE = 'Answer with code only.';

/** A fresh studio, starting when the test does (it comes up while the team works), stopped after it whatever happened. */
const walk = test.extend<{ freshStudio: Promise<AppServer> }>({
	freshStudio: async ({}, use) => {
		// A fresh machine's settings: the embedded database, one instance, no model endpoint.
		const fresh = ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'WHITERABBITNEO_ENDPOINT_URL', 'CODET5P_ENDPOINT_URL', 'ORIGIN'];
		const studio = startAppServer({ LOG_LEVEL: 'warn', ...Object.fromEntries(fresh.map((name) => [name, undefined])) });
		studio.catch(() => undefined); // reported where the test awaits it
		await use(studio);
		await studio.then((started) => started.stop(), () => undefined);
	}
});

walk('a team walks history, diffs, a review, an API token, an offline edit and the site admin pages', async ({ browser, request, freshStudio }) => {
	walk.setTimeout(300_000);
	const owner = await signUp(browser, 'ana');
	const editor = await signUp(browser, 'ben');
	const { workspacePath, promptPath } = await teamWithPrompt(owner, [[editor, 'editor']], 'Walkers');
	const slug = promptPath.split('/').pop()!;
	const studioPeople: Person[] = [];

	await walk.step('the editor rewrites the template and commits v2; the history lists v2 and v1', async () => {
		await editor.page.goto(promptPath);
		await expect(connection(editor.page)).toHaveText(/Connected/);
		const template = editorOf(editor.page, 'User template');
		await expectText(template, OLD_TEMPLATE);
		await template.click();
		await template.press('Control+a');
		await template.pressSequentially(NEW_TEMPLATE, { delay: 10 });
		await expectText(editorOf(owner.page, 'User template'), NEW_TEMPLATE);

		await editor.page.getByLabel('Commit message').fill('Sharper wording');
		await editor.page.getByRole('button', { name: 'Commit version' }).click();
		for (const person of [owner, editor]) await expect(person.page.getByTestId('latest-version')).toContainText('v2');

		await tab(owner.page, 'History').click();
		await expect(owner.page).toHaveURL(new RegExp(`${promptPath}/versions$`));
		const versions = owner.page.getByRole('list', { name: 'Versions' }).getByRole('listitem');
		await expect(versions).toHaveText([
			new RegExp(`^\\s*v2\\b[\\s\\S]*${editor.name}[\\s\\S]*Sharper wording`),
			new RegExp(`^\\s*v1\\b[\\s\\S]*${owner.name}[\\s\\S]*Starter`)
		]);
		await expect(owner.page.getByText('Matches v2: nothing to commit.')).toBeVisible();
		// On a phone the prompt's five tabs scroll in their row: the page itself does not widen.
		const wide = owner.page.viewportSize()!;
		await owner.page.setViewportSize({ width: 390, height: 844 });
		await expect(owner.page.getByRole('navigation', { name: 'Prompt' }).getByRole('link', { name: 'Publish' })).toBeAttached();
		expect(await owner.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await owner.page.setViewportSize(wide);
	});

	await walk.step('the diff of v1 and v2 shows the removed and the added line, word by word', async () => {
		await owner.page.getByRole('listitem', { name: 'v2' }).getByRole('link', { name: 'Changes' }).click();
		await expect(owner.page).toHaveURL(/\/versions\/diff\?from=1&to=2$/);
		await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText('Compare v1 → v2');
		await expect(owner.page.getByRole('region', { name: 'System prompt' })).toContainText('No changes');
		const template = owner.page.getByRole('region', { name: 'User template' });
		await expect(template.getByLabel('1 line added, 1 removed')).toBeVisible();
		await owner.page.getByRole('link', { name: 'Inline' }).click();
		await expect(owner.page).toHaveURL(/view=inline/);
		const removed = template.getByRole('row').filter({ has: owner.page.getByLabel('removed', { exact: true }) });
		const added = template.getByRole('row').filter({ has: owner.page.getByLabel('added', { exact: true }) });
		await expect(removed).toHaveText(new RegExp(`−\\s*${literal(OLD_TEMPLATE)}\\s*$`));
		await expect(added).toHaveText(new RegExp(`\\+\\s*${literal(NEW_TEMPLATE)}\\s*$`));
		await expect(removed.locator('del').first()).toHaveText(/Generate/);
		await expect(added.locator('ins').first()).toHaveText(/Write/);
	});

	await walk.step('production is protected; the editor asks for a review, the owner requests changes, then approves, and the merge moves production', async () => {
		await owner.page.goto(`${workspacePath}/settings`);
		await owner.page.getByRole('checkbox', { name: /production.+moves only to a version approved/ }).check();
		await owner.page.getByRole('region', { name: 'Protected production' }).getByRole('button', { name: 'Save' }).click();
		await expect(said(owner.page, 'production is protected: it moves only to approved versions.')).toBeVisible();

		// Moving production by hand is refused now.
		await editor.page.goto(`${promptPath}/versions`);
		await editor.page.getByLabel('Label', { exact: true }).fill('production');
		await editor.page.getByLabel('Version', { exact: true }).selectOption('2');
		await editor.page.getByRole('button', { name: 'Move label' }).click();
		await expect(said(editor.page, /production is protected: it moves only to a version approved in a review/)).toBeVisible();

		await tab(editor.page, 'Reviews').click();
		await editor.page.getByLabel('Version', { exact: true }).selectOption('2');
		await expect(editor.page.getByLabel('Label', { exact: true })).toHaveValue('production');
		await editor.page.getByLabel('Title').fill('Ship the sharper wording');
		await editor.page.getByRole('button', { name: 'Open review' }).click();
		await expect(editor.page).toHaveURL(new RegExp(`${promptPath}/reviews/[^/?]+$`));
		const reviewPath = new URL(editor.page.url()).pathname;
		await expect(editor.page.getByRole('heading', { level: 1 })).toHaveText('Ship the sharper wording');
		await expect(editor.page.getByText('Awaiting review')).toBeVisible();
		// Nobody approves their own proposal.
		await expect(editor.page.getByRole('button', { name: 'Approve' })).toHaveCount(0);

		await owner.page.goto(promptPath);
		await tab(owner.page, /^Reviews/).click();
		await expect(tab(owner.page, 'Reviews (1)')).toBeVisible();
		await owner.page.getByRole('list', { name: 'Reviews' }).getByRole('link', { name: /Ship the sharper wording/ }).click();
		await expect(owner.page).toHaveURL(new RegExp(`${reviewPath}$`));
		await owner.page.getByLabel('Comment', { exact: true }).fill('Say which language version to target.');
		await owner.page.getByRole('button', { name: 'Comment', exact: true }).click();
		await expect(said(owner.page, 'Comment added.')).toBeVisible();
		await owner.page.getByRole('button', { name: 'Request changes' }).click();
		await expect(said(owner.page, 'You requested changes.')).toBeVisible();
		await expect(owner.page.getByText('Changes requested', { exact: true })).toBeVisible();

		// The editor sees the outcome, and cannot merge.
		await editor.page.reload();
		await expect(editor.page.getByText('Changes requested', { exact: true })).toBeVisible();
		await expect(editor.page.getByRole('list', { name: 'Verdicts' })).toHaveText(new RegExp(`${owner.name}\\s*requested changes`));
		await expect(editor.page.getByText('Say which language version to target.')).toBeVisible();
		await expect(editor.page.getByRole('button', { name: /^Merge/ })).toHaveCount(0);

		await owner.page.getByRole('button', { name: 'Approve' }).click();
		await expect(said(owner.page, 'You approved this proposal. It can merge now.')).toBeVisible();
		await expect(owner.page.getByText('Approved', { exact: true })).toBeVisible();

		await editor.page.reload();
		await expect(editor.page.getByRole('list', { name: 'Verdicts' })).toHaveText(new RegExp(`${owner.name}\\s*approved`));
		await editor.page.getByRole('button', { name: 'Merge: move production to v2' }).click();
		await expect(said(editor.page, 'Merged: production now points at v2.')).toBeVisible();
		await expect(editor.page.getByText('Merged', { exact: true })).toBeVisible();

		await tab(editor.page, 'History').click();
		await expect(editor.page.getByRole('list', { name: 'Labels' }).getByRole('listitem').filter({ hasText: 'production' })).toHaveText(/production\s*v2/);
		await expect(editor.page.getByRole('list', { name: 'Label moves' }).getByRole('listitem')).toHaveText([
			new RegExp(`production\\s*new\\s*v2\\s*by ${editor.name}.*via review`)
		]);
		await expect(editor.page.getByRole('listitem', { name: 'v2' })).toContainText('production');
	});

	await walk.step('an API token reads production (v2) once made, and is refused once revoked', async () => {
		await owner.page.goto(`${workspacePath}/settings`);
		await owner.page.getByRole('link', { name: 'Manage API tokens' }).click();
		await expect(owner.page).toHaveURL(new RegExp(`${workspacePath}/settings/tokens$`));
		await owner.page.getByLabel('Name').fill('CI pipeline');
		await owner.page.getByRole('button', { name: 'Create token' }).click();
		const shown = owner.page.getByTestId('new-token');
		await expect(shown).toHaveText(/^cts_\S+$/);
		const token = (await shown.textContent())!.trim();
		const auth = { authorization: `Bearer ${token}` };

		const read = await request.get(`/api/v1/prompts/${slug}?label=production`, { headers: auth });
		expect(read.status()).toBe(200);
		const body = await read.json();
		expect(body.version.number).toBe(2);
		expect(body.resolvedBy).toEqual({ label: 'production' });
		expect(body.content.userPromptTemplate).toBe(NEW_TEMPLATE);
		expect(body.variables).toEqual(['language', 'task']);

		// Shown once: a fresh look at the page has only its name, prefix and last use.
		await owner.page.reload();
		await expect(owner.page.getByTestId('new-token')).toHaveCount(0);
		const row = owner.page.getByRole('listitem', { name: 'CI pipeline' });
		await expect(row).toHaveAttribute('data-state', 'active');
		await expect(row).toContainText(/last used (?!never)\w+ \d+, \d{4}/);
		await expect(row).toContainText(token.slice(0, 8));
		expect(await owner.page.content()).not.toContain(token);

		await row.getByRole('button', { name: 'Revoke CI pipeline' }).click();
		await owner.page.getByRole('alertdialog').getByRole('button', { name: 'Revoke', exact: true }).click();
		await expect(said(owner.page, 'Token revoked: requests with it are refused from now on.')).toBeVisible();
		await expect(row).toHaveAttribute('data-state', 'revoked');
		const refused = await request.get(`/api/v1/prompts/${slug}?label=production`, { headers: auth });
		expect(refused.status()).toBe(401);
		expect((await refused.json()).error.code).toBe('unauthorized');
	});

	await walk.step('the editor types while offline; back online, the edit reaches the owner and the server', async () => {
		await owner.page.goto(promptPath);
		await editor.page.goto(promptPath);
		for (const person of [owner, editor]) await expect(connection(person.page)).toHaveText(/Connected/);
		const here = owner.page.getByRole('list', { name: 'Here now' });
		await expect(here.getByText(editor.name, { exact: true })).toBeVisible();

		await editor.context.setOffline(true);
		await expect(connection(editor.page)).toHaveText(/Offline/);
		await expect(editor.page.getByRole('button', { name: 'Commit version' })).toBeDisabled();
		const editorSystem = editorOf(editor.page, 'System prompt');
		await editorSystem.click();
		await editorSystem.pressSequentially(OFFLINE_LINE, { delay: 10 });
		await expectText(editorSystem, OFFLINE_LINE);
		// The server has none of it: a fresh look at the draft is without the line.
		await owner.page.reload();
		await expect(connection(owner.page)).toHaveText(/Connected/);
		await expectText(editorOf(owner.page, 'System prompt'), '');

		await editor.context.setOffline(false);
		await expect(connection(editor.page)).toHaveText(/Connected/);
		await expectText(editorOf(owner.page, 'System prompt'), OFFLINE_LINE);

		// The server kept it: a fresh page has it, and the history says the draft changed since v2.
		await owner.page.reload();
		await expect(connection(owner.page)).toHaveText(/Connected/);
		await expectText(editorOf(owner.page, 'System prompt'), OFFLINE_LINE);
		await tab(owner.page, 'History').click();
		await expect(owner.page.getByText('Changed since v2.')).toBeVisible();
		await owner.page.getByRole('link', { name: 'See what changed' }).click();
		await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText('Compare v2 → Live draft');
		const system = owner.page.getByRole('region', { name: 'System prompt' });
		await expect(system.getByLabel('1 line added, 0 removed')).toBeVisible();
		await expect(system).toContainText(OFFLINE_LINE);
		await expect(owner.page.getByRole('region', { name: 'User template' })).toContainText('No changes');
	});

	await walk.step('on a fresh studio, the first account is site admin: it hides a reported prompt and grants and revokes the role', async () => {
		const { url } = await freshStudio;
		// Signed up one after the other: the first is the studio's site admin.
		const admin = await signUp(browser, 'mia', url);
		const publisher = await signUp(browser, 'sam', url);
		const reporter = await signUp(browser, 'lee', url);
		studioPeople.push(admin, publisher, reporter);
		const adminLink = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' });
		await expect(adminLink(admin.page)).toBeVisible();
		await expect(adminLink(publisher.page)).toHaveCount(0);
		// On a phone the admin's places fold into the menu, Admin among them.
		await admin.page.setViewportSize({ width: 390, height: 844 });
		await admin.page.locator('summary[aria-label="Menu"]').click();
		await expect(admin.page.getByRole('navigation', { name: 'Menu' }).getByRole('link')).toHaveText(['Workspaces', 'Library', 'Admin', 'Account']);
		await admin.page.keyboard.press('Escape');
		await admin.page.setViewportSize({ width: 1280, height: 720 });

		// Sam publishes v1 of a prompt; Lee reports it.
		const title = uniquePromptName('Walk helper');
		const published = await teamWithPrompt(publisher, [], 'Publishers');
		await publisher.page.goto(`${published.promptPath}/publish`);
		await publisher.page.getByLabel('Title').fill(title);
		await publisher.page.getByLabel('Description').fill('Writes code for a task.');
		await publisher.page.getByRole('button', { name: 'Publish v1' }).click();
		const publicLink = publisher.page.getByRole('link', { name: /^\/library\// });
		await expect(publicLink).toBeVisible();
		const publicPath = (await publicLink.getAttribute('href'))!;

		await reporter.page.goto(publicPath);
		await expect(reporter.page.getByRole('heading', { level: 1 })).toHaveText(title);
		await reporter.page.getByText('Something wrong with this prompt?').click();
		await reporter.page.getByLabel('What is wrong').fill('It asks people for their passwords.');
		await reporter.page.getByRole('button', { name: 'Send report' }).click();
		await expect(reporter.page.getByText('You reported this prompt. A site admin will look at it.')).toBeVisible();

		// Mia sees the report on the admin pages and hides the prompt.
		await adminLink(admin.page).click();
		await expect(admin.page).toHaveURL(/\/admin\/reports$/);
		const open = admin.page.getByRole('region', { name: /Open reports/ });
		await expect(open.getByRole('heading', { name: 'Open reports (1)' })).toBeVisible();
		const report = open.getByRole('listitem');
		await expect(report).toContainText(title);
		await expect(report).toContainText('It asks people for their passwords.');
		await expect(report).toContainText(`Reported by ${reporter.name}`);
		await report.getByLabel('Reason for hiding').fill('Phishing for credentials');
		await report.getByRole('button', { name: 'Hide' }).click();
		await expect(said(admin.page, /^Hidden from the library/)).toBeVisible();
		await expect(open.getByRole('heading', { name: 'Open reports (0)' })).toBeVisible();
		await expect(open.getByText('No open reports')).toBeVisible();
		const hidden = admin.page.getByRole('region', { name: /Hidden prompts/ });
		await expect(hidden.getByRole('listitem')).toHaveText([new RegExp(`${title}[\\s\\S]*by ${admin.name}: Phishing for credentials`)]);
		await reporter.page.reload();
		await expect(reporter.page.getByRole('heading', { level: 1 })).toHaveText('Page not found');

		// Sam is not a site admin: the page does not exist for him, until Mia grants him the role.
		const adminPage = await publisher.page.goto('/admin/reports');
		expect(adminPage!.status()).toBe(404);
		const admins = admin.page.getByRole('region', { name: 'Site admins' });
		await admins.getByLabel('Make a site admin').fill(publisher.name);
		await admins.getByRole('button', { name: 'Grant' }).click();
		await expect(said(admin.page, `${publisher.name} is now a site admin.`)).toBeVisible();
		await expect(admins.getByRole('listitem')).toHaveText([new RegExp(`^\\s*${admin.name} \\(you\\)`), new RegExp(`^\\s*${publisher.name}`)]);
		await publisher.page.goto('/workspaces');
		await adminLink(publisher.page).click();
		await expect(publisher.page.getByRole('region', { name: /Hidden prompts/ })).toContainText(title);

		// Mia revokes it again: the page is gone for Sam at once.
		await admins.getByRole('listitem').filter({ hasText: publisher.name }).getByRole('button', { name: 'Revoke' }).click();
		await admin.page.getByRole('alertdialog').getByRole('button', { name: 'Revoke', exact: true }).click();
		await expect(said(admin.page, `${publisher.name} is no longer a site admin.`)).toBeVisible();
		await expect(admins.getByRole('listitem')).toHaveText([new RegExp(`^\\s*${admin.name} \\(you\\)`)]);
		await publisher.page.reload();
		await expect(publisher.page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
		await expect(adminLink(publisher.page)).toHaveCount(0);

		// The admin's pages, with a report and a hidden prompt on them, fit a phone and a desktop in
		// light and dark (pages-fit.spec.ts does the same for every other page).
		const console = watchConsole(admin.page);
		for (const path of ['/admin/reports', '/admin/dashboard']) {
			for (const screen of SCREENS) {
				await admin.page.setViewportSize({ width: screen.width, height: screen.height });
				await admin.page.goto(path);
				await expect(admin.page.locator('main h1').first()).toBeVisible();
				for (const scheme of SCHEMES) {
					await admin.page.emulateMedia({ colorScheme: scheme });
					const where = `${path} at ${screen.width} px in ${scheme}`;
					await expectPageFits(admin.page, where);
					expect.soft(console.take(), `${where}: console errors`).toEqual([]);
				}
			}
		}
	});

	await Promise.all([owner, editor, ...studioPeople].map((person) => person.context.close()));
});

/** `text` as a literal inside a RegExp. */
function literal(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
