// The Content-Security-Policy leaves the studio working: a person signs up, types in the live
// editor (CodeMirror over the Yjs socket), commits, opens a generation session (socket.io), switches
// the theme, searches the library and reads the API reference, and the browser reports no
// violation of the policy anywhere. Then a script injected into the page is refused, and reported.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';
import { signUp, teamWithPrompt } from './team';

declare global {
	interface Window {
		cspViolations: string[];
	}
}

/** Every CSP violation the pages of this context see: the DOM's event and chromium's console line. */
function watchViolations(context: BrowserContext): string[] {
	const seen: string[] = [];
	void context.addInitScript(() => {
		window.cspViolations = [];
		document.addEventListener('securitypolicyviolation', (event) => {
			window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
		});
	});
	context.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) seen.push(`console: ${message.text()}`);
	});
	return seen;
}

/** What this page's listener caught, with the console lines of the whole context. */
async function violations(page: Page, consoleLines: string[]): Promise<string[]> {
	return [...(await page.evaluate(() => window.cspViolations)), ...consoleLines];
}

test('the studio works under its Content-Security-Policy: editor, session, library, no violation', async ({ browser }) => {
	test.setTimeout(120_000);
	const context = await browser.newContext();
	const consoleLines = watchViolations(context);
	const page = await context.newPage();
	const name = uniqueUsername('csp');

	const response = await page.goto('/signup');
	const policy = response!.headers()['content-security-policy'];
	expect(policy).toMatch(/script-src 'self' 'nonce-[^']+'/);
	expect(policy).not.toContain('unsafe-eval');
	await page.getByLabel('Username').fill(name);
	await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
	await page.getByLabel('Confirm password').fill(TEST_PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/workspaces$/);

	// The live editor: connected over the Yjs socket, typed into, committed.
	const { promptPath } = await teamWithPrompt({ name, context, page }, [], 'Policy');
	const system = page.getByRole('textbox', { name: 'System prompt', exact: true });
	await system.click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(' Be brief.');
	await expect(system).toContainText('Be brief.');

	// A generation session, live over socket.io.
	await page.getByRole('link', { name: 'Run it live' }).click();
	await page.getByLabel('Title').fill('Policy check');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');

	// The theme switch (mode-watcher), then a fresh page in dark mode: its first-paint script ran.
	await page.getByRole('button', { name: 'Dark mode' }).click();
	await page.reload();
	await expect(page.locator('html')).toHaveClass(/\bdark\b/);
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
	expect(await violations(page, consoleLines)).toEqual([]);

	// The library and its search, and the API reference.
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
	await expect(page).toHaveURL(/\/library$/);
	await page.getByRole('searchbox').fill('generator');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/[?&]q=generator/);
	expect(await violations(page, consoleLines)).toEqual([]);
	await page.goto('/api/docs');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	expect(await violations(page, consoleLines)).toEqual([]);

	// The watch is real: a script injected into the page is refused, and seen.
	const ran = await page.evaluate(() => {
		const injected = document.createElement('script');
		injected.textContent = 'window.injectedRan = true';
		document.head.append(injected);
		return (window as unknown as { injectedRan?: boolean }).injectedRan === true;
	});
	expect(ran).toBe(false);
	await expect.poll(() => violations(page, consoleLines)).toContainEqual(expect.stringMatching(/^script-src/));
	await context.close();
});

// SvelteKit checks the Origin of form posts in a production build only: this is where it shows.
test("a form posted from another site's page is refused with 403 and changes nothing", async ({ browser, baseURL }) => {
	const { context, page } = await signUp(browser, 'csrf');

	// The signed-in browser's cookie goes with the post, as it would from a page of another site.
	const forged = uniqueWorkspaceName('Forged');
	const crossSite = await page.request.post('/workspaces?/create', {
		form: { name: forged },
		headers: { origin: 'https://attacker.example', accept: 'text/html' },
		maxRedirects: 0
	});
	expect(crossSite.status()).toBe(403);
	expect(await crossSite.text()).toBe('Cross-site POST form submissions are forbidden');
	await page.goto('/workspaces');
	await expect(page.getByText(forged)).toHaveCount(0);

	// The same post from our own origin goes through: the refusal was the origin's.
	const own = uniqueWorkspaceName('Own');
	const sameSite = await page.request.post('/workspaces?/create', {
		form: { name: own },
		headers: { origin: new URL(baseURL!).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(sameSite.status()).toBe(303);
	await page.goto('/workspaces');
	await expect(page.getByText(own)).toBeVisible();
	await context.close();
});

// The built files are served before SvelteKit's handle: server.js gives them their headers.
test('the built scripts and static files carry nosniff and no-framing too', async ({ page, request }) => {
	await page.goto('/signin');
	const script = await page.locator('script[src*="/_app/immutable/"], link[href*="/_app/immutable/"]').first().evaluate((element) => element.getAttribute('src') ?? element.getAttribute('href'));
	expect(script).toMatch(/\/_app\/immutable\//);
	for (const path of [script!, '/favicon.svg']) {
		const response = await request.get(path);
		expect(response.status(), path).toBe(200);
		expect(response.headers()['x-content-type-options'], path).toBe('nosniff');
		expect(response.headers()['x-frame-options'], path).toBe('DENY');
	}
});
