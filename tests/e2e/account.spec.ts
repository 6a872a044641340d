// The account page as a person uses it, in chromium against the production build: from the user
// menu to Account, a new password, one calm confirmation; the same person's other browser, still on
// a page of the studio, is sent to sign in on its next navigation. On a phone, in dark mode, the
// page fits the screen.
import { expect, test } from '@playwright/test';
import { TEST_PASSWORD } from '../helpers/unique';
import { signUp } from './team';

const NEW_PASSWORD = 'a brand new passphrase 7';

test('a person changes their password from the menu; their other browser is sent to sign in on its next page', async ({ browser }) => {
	const person = await signUp(browser, 'acct');
	const elsewhere = await browser.newContext();
	try {
		const other = await elsewhere.newPage();
		await other.goto('/signin');
		await other.getByLabel('Username').fill(person.name);
		await other.getByLabel('Password').fill(TEST_PASSWORD);
		await other.getByRole('button', { name: 'Sign in' }).click();
		await expect(other).toHaveURL(/\/workspaces$/);
		await other.goto('/library');

		const { page } = person;
		await page.getByRole('button', { name: person.name }).click();
		await page.getByRole('menuitem', { name: 'Account' }).click();
		await expect(page).toHaveURL(/\/account$/);
		await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
		await expect(page.getByText('1 other session is signed in.')).toBeVisible();

		await page.getByLabel('Current password').fill(TEST_PASSWORD);
		await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
		await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Password changed. Every other session is signed out.' })).toBeVisible();
		await expect(page.getByText('No other session is signed in.')).toBeVisible();
		await expect(page.getByLabel('Current password')).toHaveValue('');

		// The other browser's next page is the sign-in page; this one stays signed in.
		await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspaces' }).click();
		await expect(other).toHaveURL(/\/signin\?redirectTo=%2Fworkspaces/);
		await expect(other.getByRole('button', { name: 'Sign in' })).toBeVisible();
		await page.goto('/workspaces');
		await expect(page).toHaveURL(/\/workspaces$/);

		// On a phone, in dark mode, the page fits the screen and the form is whole.
		await page.setViewportSize({ width: 390, height: 844 });
		await page.emulateMedia({ colorScheme: 'dark' });
		await page.goto('/account');
		await expect(page.locator('html')).toHaveClass(/\bdark\b/);
		await expect(page.getByRole('button', { name: 'Change password' })).toBeVisible();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	} finally {
		await elsewhere.close();
		await person.context.close();
	}
});
