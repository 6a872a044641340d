// Browser tests in Debian's chromium (Playwright's own browser downloads are not reachable here).
// The studio under test is the production build started the way the README starts it, `npm start`
// (scripts/setup.mjs --build, then `node server.js`), on a free port and on the EMBEDDED database in
// a fresh data folder: the fresh-machine path. Two such studios run side by side:
// - the main one (baseURL, E2E_PORT), its two model endpoints pointed at the TGI-protocol test server
//   that a spec starts on E2E_TGI_PORT (sessions.spec.ts);
// - the stand-in one (E2E_STANDIN_PORT, its own data folder), started with no endpoint configured at
//   all, as a fresh clone is: both models run on the embedded stand-in model (stand-in.spec.ts).
// `npm test` builds once before this runs, so the starts find the build current; run alone, the first
// `npm start` builds whatever is stale. Playwright starts the web servers one after the other, each
// once the one before answers, so the second start finds the build the first one made current.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Playwright evaluates this file in its runner and again in every worker: the port and the data
// folder are chosen once, in the runner, and reach the workers through the environment.
// The ports come from below the kernel's ephemeral range (where listen(0) and every outgoing
// connection take theirs): a port chosen now is bound minutes later (the TGI server, by each spec
// that starts it), and `npm test` runs the integration suite beside this one, whose thousands of
// connections would otherwise take it in between now and then.
const freePort = () => {
	const script = `
		const range = (() => { try { return require('fs').readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\\s+/).map(Number); } catch { return [32768]; } })();
		const top = Math.max(2048, range[0]), bottom = Math.max(1024, top - 12000);
		const attempt = () => {
			const port = bottom + Math.floor(Math.random() * (top - bottom));
			const s = require('net').createServer();
			s.once('error', attempt);
			s.listen(port, '127.0.0.1', () => { console.log(port); s.close(); });
		};
		attempt();`;
	return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
};
if (!process.env.E2E_PORT) process.env.E2E_PORT = freePort();
// Both models' endpoint: the TGI-protocol test server that a spec starts there (sessions.spec.ts).
// With nothing listening, a run fails as an unreachable endpoint would.
if (!process.env.E2E_TGI_PORT) {
	do process.env.E2E_TGI_PORT = freePort();
	while (process.env.E2E_TGI_PORT === process.env.E2E_PORT);
}
// The stand-in studio's port, distinct from both.
if (!process.env.E2E_STANDIN_PORT) {
	do process.env.E2E_STANDIN_PORT = freePort();
	while ([process.env.E2E_PORT, process.env.E2E_TGI_PORT].includes(process.env.E2E_STANDIN_PORT));
}
/** A fresh data folder in the environment variable `name`, unless set already; removed on exit. */
const dataFolder = (name: string, prefix: string) => {
	if (process.env[name]) return;
	const dataDir = mkdtempSync(join(tmpdir(), prefix));
	process.env[name] = dataDir;
	// The runner exits after the web servers are stopped: nothing writes to the folder any more.
	process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
};
dataFolder('E2E_DATA_DIR', 'cts-e2e-data-');
dataFolder('E2E_STANDIN_DATA_DIR', 'cts-e2e-standin-data-');

const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;
const tgiURL = `http://127.0.0.1:${process.env.E2E_TGI_PORT}`;
/** The studio with no model endpoint; stand-in.spec.ts builds the same address from E2E_STANDIN_PORT. */
const standInURL = `http://127.0.0.1:${process.env.E2E_STANDIN_PORT}`;
const jsonReport = process.env.E2E_JSON_REPORT;

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results/e2e',
	fullyParallel: false,
	workers: 1,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: jsonReport ? [['list'], ['json', { outputFile: jsonReport }]] : [['list']],
	use: {
		baseURL,
		browserName: 'chromium',
		headless: true,
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run',
				'--disable-sync',
				'--disable-quic'
			]
		},
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	webServer: [
		{
			// Exactly the README's start, with nothing of the developer's or the test run's database,
			// Redis or benchmark settings: a fresh machine has none, so the studio must come up on its
			// embedded database and evaluate the HumanEval it ships (evaluation.spec.ts).
			command: 'env -u DATABASE_URL -u REDIS_URL -u REDIS_PREFIX -u EVALUATION_DATASETS_DIR -u EVALUATION_DATASET_HOSTS npm start',
			url: `${baseURL}/api/health`,
			env: {
				PORT: process.env.E2E_PORT!,
				HOST: '127.0.0.1',
				DATA_DIR: process.env.E2E_DATA_DIR!,
				LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
				WHITERABBITNEO_ENDPOINT_URL: tgiURL,
				CODET5P_ENDPOINT_URL: tgiURL,
				// A sleeping model is retried after 200 ms, not the production default: tests wait less.
				MODEL_WAKE_INITIAL_DELAY_MS: '200',
				// Every spec signs its people up from 127.0.0.1, more than the per-address default allows.
				SIGNUP_MAX_PER_ADDRESS: '1000'
			},
			reuseExistingServer: false,
			timeout: 300_000,
			stdout: 'pipe',
			stderr: 'pipe',
			gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 }
		},
		{
			// The same start on a fresh machine that has no model endpoint either: both endpoint
			// variables (and the stand-in's own settings) unset even when the developer's environment
			// has them, so both models run on the shipped embedded stand-in model.
			command:
				'env -u DATABASE_URL -u REDIS_URL -u REDIS_PREFIX -u WHITERABBITNEO_ENDPOINT_URL -u CODET5P_ENDPOINT_URL -u EMBEDDED_MODEL -u EMBEDDED_MODEL_DIR npm start',
			url: `${standInURL}/api/health`,
			env: {
				PORT: process.env.E2E_STANDIN_PORT!,
				HOST: '127.0.0.1',
				DATA_DIR: process.env.E2E_STANDIN_DATA_DIR!,
				LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
				SIGNUP_MAX_PER_ADDRESS: '1000'
			},
			reuseExistingServer: false,
			timeout: 300_000,
			stdout: 'pipe',
			stderr: 'pipe',
			gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 }
		}
	]
});
