// The foundation as two people use it, in chromium, against the production build started as the
// README starts it on a fresh machine (embedded database): an owner signs up, makes a workspace and
// a prompt and adds a second person as a viewer; the viewer sees the prompt and nothing that would
// change it, and the server refuses the change even when the viewer posts the form by hand.
import { expect, test, type Page } from '@playwright/test';
import { TEST_PASSWORD, uniquePromptName, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';

async function signUp(page: Page, username: string) {
	await page.goto('/');
	await page.getByRole('link', { name: 'Sign up' }).first().click();
	await expect(page).toHaveURL(/\/signup$/);
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
	await page.getByLabel('Confirm password').fill(TEST_PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/workspaces$/);
}

/**
 * The headers of a browser's own form submission with JavaScript off: same origin (SvelteKit refuses
 * cross-site form posts) and HTML wanted (with any other Accept, SvelteKit answers as to `use:enhance`).
 */
function formHeaders(baseURL: string | undefined) {
	return { origin: new URL(baseURL!).origin, accept: 'text/html' };
}

test('the studio started as on a fresh machine runs on its embedded database', async ({ request }) => {
	const health = await request.get('/api/health');
	expect(health.ok()).toBe(true);
	expect(await health.json()).toMatchObject({ ok: true, database: 'embedded' });
});

test('a viewer sees a workspace prompt but cannot change it, in the page or by posting the form', async ({ browser, baseURL }) => {
	const ownerName = uniqueUsername('owner');
	const viewerName = uniqueUsername('viewer');
	const workspaceName = uniqueWorkspaceName('Red team');
	const title = uniquePromptName('Security review');

	// The owner signs up, creates a workspace and a prompt in it.
	const ownerContext = await browser.newContext();
	const owner = await ownerContext.newPage();
	await signUp(owner, ownerName);

	await owner.getByLabel('Workspace name').fill(workspaceName);
	await owner.getByRole('button', { name: 'Create workspace' }).click();
	await expect(owner).toHaveURL(/\/w\/[^/]+$/);
	const workspacePath = new URL(owner.url()).pathname;

	await owner.getByRole('link', { name: 'New prompt' }).click();
	await expect(owner).toHaveURL(`${workspacePath}/prompts/new`);
	await owner.getByLabel('Title').fill(title);
	await owner.getByLabel('Description').fill('Reviews a diff for injection and secrets.');
	await owner.getByLabel('Category').fill('security');
	await owner.getByLabel('Use case').fill('Pre-merge review');
	await owner.getByLabel('Tags').fill('review, security');
	await owner.getByLabel('Visibility').selectOption('workspace');
	await owner.getByRole('button', { name: 'Create prompt' }).click();
	await owner.waitForURL((url) => /^\/prompts\/[a-z0-9-]+$/.test(url.pathname.slice(workspacePath.length)) && !url.pathname.endsWith('/new'));
	const promptPath = new URL(owner.url()).pathname;
	await expect(owner.getByRole('heading', { name: title })).toBeVisible();
	// The owner, an editor and more, is offered the controls the viewer must not get.
	await expect(owner.getByRole('link', { name: 'Edit details' })).toBeVisible();
	// Deleting is offered at the bottom of Edit details, away from the everyday actions (prompt-manage.spec.ts).
	await owner.getByRole('link', { name: 'Edit details' }).click();
	await expect(owner.getByRole('button', { name: 'Delete this prompt…' })).toBeVisible();
	await owner.goBack();

	// A second person signs up in a browser of their own.
	const viewerContext = await browser.newContext();
	const viewer = await viewerContext.newPage();
	await signUp(viewer, viewerName);

	// The owner adds them as a viewer.
	await owner.goto(`${workspacePath}/settings`);
	const addMember = owner.locator('form').filter({ has: owner.getByRole('button', { name: 'Add member' }) });
	await addMember.getByLabel('Username').fill(viewerName);
	await addMember.getByLabel('Role').selectOption('viewer');
	await addMember.getByRole('button', { name: 'Add member' }).click();
	await expect(owner.getByText(`${viewerName} joined as viewer.`).first()).toBeVisible();
	await owner.reload();
	await expect(owner.getByText(viewerName, { exact: true }).first()).toBeVisible();

	// The viewer finds the workspace and the prompt, and sees it.
	await viewer.goto('/workspaces');
	await viewer.getByRole('link', { name: new RegExp(workspaceName) }).click();
	await expect(viewer).toHaveURL(new RegExp(`${workspacePath}$`));
	await expect(viewer.getByRole('link', { name: 'New prompt' })).toHaveCount(0);
	await viewer.getByRole('link', { name: title }).click();
	await expect(viewer).toHaveURL(new RegExp(`${promptPath}$`));
	await expect(viewer.getByRole('heading', { name: title })).toBeVisible();
	await expect(viewer.getByText('Reviews a diff for injection and secrets.')).toBeVisible();
	await expect(viewer.getByRole('link', { name: 'Edit details' })).toHaveCount(0);
	await expect(viewer.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
	await expect(viewer.getByText('Edit details')).toHaveCount(0);
	await expect(viewer.getByText('Delete this prompt')).toHaveCount(0);
	// Nor the page that offers it.
	expect((await viewer.goto(`${promptPath}/edit`))!.status()).toBe(403);
	await viewer.goto(promptPath);

	// Posting the edit form by hand, with the viewer's own session, is refused.
	const edit = {
		name: 'Taken over',
		slug: '',
		description: 'changed by a viewer',
		category: 'security',
		useCase: '',
		tags: '',
		visibility: 'workspace'
	};
	const refused = await viewer.request.post(`${promptPath}/edit`, { form: edit, headers: formHeaders(baseURL), maxRedirects: 0 });
	expect(refused.status()).toBe(403);
	const refusedDelete = await viewer.request.post(`${promptPath}?/delete`, { form: {}, headers: formHeaders(baseURL), maxRedirects: 0 });
	expect(refusedDelete.status()).toBe(403);
	await viewer.reload();
	await expect(viewer.getByRole('heading', { name: title })).toBeVisible();
	await expect(viewer.getByText('changed by a viewer')).toHaveCount(0);

	// The refusal is the role rule, not a malformed request: the owner's identical post is accepted.
	const accepted = await owner.request.post(`${promptPath}/edit`, {
		form: { ...edit, name: `${title} v2`, description: 'edited by the owner' },
		headers: formHeaders(baseURL),
		maxRedirects: 0
	});
	expect(accepted.status()).toBe(303);
	expect(accepted.headers()['location']).toBe(promptPath);
	await viewer.reload();
	await expect(viewer.getByRole('heading', { name: `${title} v2` })).toBeVisible();

	await ownerContext.close();
	await viewerContext.close();
});
