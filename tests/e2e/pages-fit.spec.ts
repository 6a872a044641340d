// Every main page fits a phone and a desktop, in light and in dark: a team's workspace with a prompt
// (two versions' worth of changes, a live session with a finished run, a published listing) is
// visited at 390 px and 1440 px in both colour schemes, signed in as its owner and signed out. A page
// fails when it scrolls sideways, when an element is cut off by the screen or by its box, or when
// the console shows an error. The site admin's pages are visited the same way in walk.spec.ts (only
// a fresh studio's first account is a site admin). On the stand-in studio: its runs finish on the
// embedded model, so the run pages have a real answer to lay out.
import { expect, test, type Browser } from '@playwright/test';
import { expectPageFits, SCHEMES, SCREENS, watchConsole } from './fit';
import { editorOf, signUp, teamWithPrompt, type Person } from './team';

const STANDIN_URL = `http://127.0.0.1:${process.env.E2E_STANDIN_PORT}`;

interface Team {
	owner: Person;
	signedIn: string[];
	signedOut: string[];
}

/** The owner's workspace, prompt, session, run and listing, made once through the pages themselves. */
async function buildTeam(browser: Browser): Promise<Team> {
	const owner = await signUp(browser, 'fit', STANDIN_URL);
	const viewer = await signUp(browser, 'fitview', STANDIN_URL);
	const { workspacePath, promptPath } = await teamWithPrompt(owner, [[viewer, 'viewer']], 'Fits');
	await viewer.context.close();
	const page = owner.page;

	// An uncommitted change, so the draft differs from v1.
	await page.goto(promptPath);
	const template = editorOf(page, 'User template');
	await template.click();
	await template.press('End');
	await template.pressSequentially(' Keep it short.', { delay: 5 });

	// A published listing of v1.
	await page.goto(`${promptPath}/publish`);
	await page.getByLabel('Title').fill(`Fitting code generator ${Date.now().toString(36)}`);
	await page.getByLabel('Description').fill('Writes code for a task, in the language you name.');
	await page.getByRole('button', { name: 'Publish v1' }).click();
	const publicLink = page.getByRole('link', { name: /^\/library\// });
	await expect(publicLink).toBeVisible();
	const publicPath = (await publicLink.getAttribute('href'))!;

	// A session with one short run of both models on the stand-in.
	await page.goto(`${promptPath}/sessions`);
	await page.getByLabel('Title').fill('Fitting session');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	const sessionPath = new URL(page.url()).pathname;
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('language', { exact: true }).fill('Python');
	await page.getByLabel('task', { exact: true }).fill('def add(a, b):');
	await page.getByLabel('Max new tokens').fill('8');
	await page.getByLabel('Temperature').fill('0');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const pane = page.getByTestId('latest-runs').getByTestId('run-output-codet5p');
	// The embedded model answers on this machine's CPU: the test's own timeout bounds the wait.
	await expect(pane).toHaveAttribute('data-status', 'succeeded', { timeout: 0 });
	await pane.getByRole('link', { name: 'Run details' }).click();
	await expect(page).toHaveURL(new RegExp(`${workspacePath}/runs/[0-9a-f-]{36}$`));
	const runPath = new URL(page.url()).pathname;

	const signedIn = [
		'/workspaces',
		workspacePath,
		`${workspacePath}/prompts/new`,
		promptPath,
		`${promptPath}/edit`,
		`${promptPath}/versions`,
		`${promptPath}/versions/1`,
		`${promptPath}/versions/diff?from=1&to=draft`,
		`${promptPath}/reviews`,
		`${promptPath}/evaluations`,
		`${promptPath}/sessions`,
		sessionPath,
		`${promptPath}/publish`,
		`${workspacePath}/runs`,
		runPath,
		`${workspacePath}/settings`,
		`${workspacePath}/settings/plugins`,
		`${workspacePath}/settings/tokens`,
		'/account',
		'/library',
		publicPath,
		'/api/docs'
	];
	const signedOut = ['/', '/signin', '/signup', '/library', publicPath];
	return { owner, signedIn, signedOut };
}

let team: Promise<Team> | undefined;

test.describe.configure({ mode: 'serial' });

for (const screen of SCREENS) {
	test(`every main page fits a ${screen.width} px ${screen.name} screen, in light and dark, signed in and out`, async ({ browser }) => {
		test.setTimeout(300_000);
		team ??= buildTeam(browser);
		const { owner, signedIn, signedOut } = await team;
		const visitorContext = await browser.newContext({ baseURL: STANDIN_URL });
		const visits: [Person['page'], string[]][] = [
			[owner.page, signedIn],
			[await visitorContext.newPage(), signedOut]
		];
		for (const [page, paths] of visits) {
			await page.setViewportSize({ width: screen.width, height: screen.height });
			const console = watchConsole(page);
			for (const path of paths) {
				await test.step(path, async () => {
					await page.emulateMedia({ colorScheme: SCHEMES[0] });
					await page.goto(path);
					await expect(page.locator('main h1').first()).toBeVisible();
					// Each scheme on the same page: the studio follows the system's scheme as it changes.
					for (const scheme of SCHEMES) {
						await page.emulateMedia({ colorScheme: scheme });
						await expect(page.locator('html')).toHaveClass(scheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/);
						const where = `${path} at ${screen.width} px in ${scheme}`;
						await expectPageFits(page, where);
						expect.soft(console.take(), `${where}: console errors`).toEqual([]);
					}
				});
			}
		}
		await visitorContext.close();
	});
}

test('on a phone the top bar folds into a menu that leads everywhere and signs out', async ({ browser }) => {
	const person = await signUp(browser, 'phone', STANDIN_URL);
	const page = person.page;
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/library');
	// The desktop links are hidden; one button opens them.
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
	const menuButton = page.locator('summary[aria-label="Menu"]');
	await menuButton.click();
	const menu = page.getByRole('navigation', { name: 'Menu' });
	await expect(menu.getByRole('link')).toHaveText(['Workspaces', 'Library', 'Account']);
	await expect(menu.getByRole('link', { name: 'Library' })).toHaveAttribute('aria-current', 'page');
	await menu.getByRole('link', { name: 'Account' }).click();
	await expect(page).toHaveURL(/\/account$/);
	// It closed itself on the way.
	await expect(menu).toBeHidden();
	await expectPageFits(page, '/account with the menu closed');
	await menuButton.click();
	await page.keyboard.press('Escape');
	await expect(menu).toBeHidden();
	await menuButton.click();
	await menu.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/signin|\/$/);
	await page.goto('/workspaces');
	await expect(page).toHaveURL(/\/signin/);
	await person.context.close();
});
