// A plugin as a team uses one: the owner switches on the security scanner on the workspace's
// Plugins page, runs the prompt in a live session, and the scanner's finding about the answer's
// dangerous shell command shows next to each model's output, and again on the run's history page.
// The model is the TGI-protocol test server at E2E_TGI_PORT.
import { expect, test } from '@playwright/test';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { signUp, teamWithPrompt } from './team';

let tgi: TgiServer;
test.beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['#!/bin/sh\n', 'echo "cleaning up"\n', 'rm -rf / --no-preserve-root\n'] }, Number(process.env.E2E_TGI_PORT));
});
test.afterAll(async () => {
	await tgi?.close();
});

test('enable a plugin, run, and see its result next to the output', async ({ browser }) => {
	test.setTimeout(120_000);
	const owner = await signUp(browser, 'plugger');
	const { workspacePath, promptPath } = await teamWithPrompt(owner, [], 'Plugged');
	const page = owner.page;

	await page.goto(workspacePath);
	await page.getByRole('link', { name: 'Plugins', exact: true }).click();
	await expect(page).toHaveURL(`${workspacePath}/settings/plugins`);
	const scanner = page.getByRole('region', { name: 'Security scanner' });
	await scanner.getByLabel('Enabled in this workspace').check();
	await scanner.getByRole('button', { name: 'Save Security scanner' }).click();
	await expect(scanner.getByText('on', { exact: true })).toBeVisible();
	// Said once, in a toast: the page's banner leaves alone what a toast said.
	await expect(page.getByText('Saved: security-scanner is on.')).toHaveCount(1);

	await page.goto(promptPath);
	await page.getByRole('link', { name: 'Run it live' }).click();
	await page.getByLabel('Title').fill('Clean-up script');
	await page.getByRole('button', { name: 'Open session' }).click();
	await expect(page).toHaveURL(new RegExp(`${promptPath}/sessions/[0-9a-f-]{36}$`));
	await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'connected');
	await page.getByLabel('Prompt', { exact: true }).selectOption('1');
	await page.getByLabel('language', { exact: true }).fill('bash');
	await page.getByLabel('task', { exact: true }).fill('clean the disk');
	await page.getByLabel('Cache', { exact: true }).selectOption('never');
	await page.getByRole('button', { name: 'Run', exact: true }).click();

	for (const model of ['whiterabbitneo', 'codet5p']) {
		const pane = page.getByTestId('latest-runs').getByTestId(`run-output-${model}`);
		const reports = pane.getByTestId('plugin-reports');
		await expect(reports).toContainText('Security scanner');
		await expect(reports).toContainText('recursive delete of / or the home directory');
		await expect(reports).toContainText('line 3');
	}

	// The run's page in history keeps the report.
	await page.goto(`${workspacePath}/runs`);
	await page.getByRole('row', { name: /WhiteRabbitNeo-33B/ }).getByRole('link').first().click();
	await expect(page.getByTestId('plugin-reports')).toContainText('recursive delete of / or the home directory');
	await owner.context.close();
});
