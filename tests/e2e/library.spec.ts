// The community library as people use it: an owner publishes v1 of a prompt from its Publish tab;
// a visitor who is not signed in finds it through the library's full-text search and opens its
// public page (title and Open Graph meta for sharing); another user stars it and forks it into a
// workspace of their own, and the fork keeps a link to its origin, whose fork count goes up.
import { expect, test } from '@playwright/test';
import { uniqueWorkspaceName } from '../helpers/unique';
import { signUp, teamWithPrompt } from './team';

test('publish a prompt, find it signed out through search, star and fork it as another user', async ({ browser }) => {
	test.setTimeout(120_000);
	// A word no other prompt has, so the search finds exactly this one.
	const word = `quokka${Date.now().toString(36)}`;
	const title = `${word[0]!.toUpperCase()}${word.slice(1)} code generator`;

	// The owner publishes v1.
	const owner = await signUp(browser, 'pub');
	const { promptPath } = await teamWithPrompt(owner, [], 'Publishers');
	await owner.page.goto(promptPath);
	await owner.page.getByRole('navigation', { name: 'Prompt' }).getByRole('link', { name: 'Publish' }).click();
	await expect(owner.page).toHaveURL(/\/publish$/);
	await owner.page.getByLabel('Title').fill(title);
	await owner.page.getByLabel('Description').fill('Writes idiomatic code for a task, in the language you name.');
	await owner.page.getByLabel('Tags').fill('codegen, python');
	await owner.page.getByRole('button', { name: 'Publish v1' }).click();
	const publicLink = owner.page.getByRole('link', { name: /^\/library\// });
	await expect(publicLink).toBeVisible();
	const publicPath = (await publicLink.getAttribute('href'))!;

	// Someone signed out finds it through the library's search.
	const visitorContext = await browser.newContext();
	const visitor = await visitorContext.newPage();
	await visitor.goto('/');
	await visitor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
	await expect(visitor).toHaveURL(/\/library$/);
	await visitor.getByRole('searchbox').fill(`${word} generator`);
	await visitor.getByRole('button', { name: 'Search' }).click();
	await expect(visitor).toHaveURL(new RegExp(`[?&]q=${word}`));
	const results = visitor.getByRole('list', { name: 'Prompts' }).getByRole('listitem');
	await expect(results).toHaveCount(1);
	await results.first().getByRole('link', { name: title }).click();
	await expect(visitor).toHaveURL(new RegExp(`${publicPath}$`));
	await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
	await expect(visitor).toHaveTitle(new RegExp(title));
	await expect(visitor.locator('meta[property="og:title"]')).toHaveAttribute('content', title);
	await expect(visitor.locator('meta[property="og:url"]')).toHaveAttribute('content', new RegExp(`${publicPath}$`));
	// The starter's template, as published.
	await expect(visitor.getByText('Generate {{language}} code', { exact: false }).first()).toBeVisible();
	await expect(visitor.getByRole('link', { name: /Star 0/ })).toBeVisible();

	// Another user stars it and forks it into a workspace of theirs.
	const fan = await signUp(browser, 'fan');
	await fan.page.getByLabel('Workspace name').fill(uniqueWorkspaceName('Forks'));
	await fan.page.getByRole('button', { name: 'Create workspace' }).click();
	await expect(fan.page).toHaveURL(/\/w\/[^/]+$/);
	const fanWorkspace = new URL(fan.page.url()).pathname.split('/')[2]!;
	await fan.page.goto(publicPath);
	await fan.page.getByRole('button', { name: /^Star 0$/ }).click();
	await expect(fan.page.getByRole('button', { name: /^Starred 1$/ })).toBeVisible();
	await fan.page.getByRole('link', { name: /^Fork 0$/ }).click();
	await expect(fan.page).toHaveURL(/\/fork(\?|$)/);
	await fan.page.getByLabel('Workspace', { exact: true }).selectOption(fanWorkspace);
	await fan.page.getByRole('button', { name: 'Fork', exact: true }).click();
	await expect(fan.page).toHaveURL(new RegExp(`/w/${fanWorkspace}/prompts/[^/]+$`));
	await expect(fan.page.getByTestId('forked-from').getByRole('link')).toHaveAttribute('href', publicPath);

	// The origin shows its star and its fork, to everyone.
	await visitor.reload();
	await expect(visitor.getByRole('link', { name: /Star 1/ })).toBeVisible();
	await expect(visitor.getByRole('link', { name: /Fork 1/ })).toBeVisible();

	await Promise.all([owner.context.close(), fan.context.close(), visitorContext.close()]);
});
