#!/usr/bin/env node
// `npm test`: every runner, one after another, then one line that totals them:
//   unit (vitest), integration (vitest, real PostgreSQL and Redis), a fresh production build,
//   browser (playwright, chromium, the build started as `npm start` on the embedded database).
// A runner that fails still lets the others run; the exit status is non-zero if anything failed.
// `npm run pretest` (scripts/setup.mjs, scripts/ensure-chromium.mjs) has prepared the checkout.
// Plain JavaScript, like setup.mjs.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = join(root, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function run(file, args, env = {}) {
	return new Promise((resolve) => {
		const child = spawn(file, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
		child.on('error', (error) => {
			console.error(`test: could not start ${file}: ${error.message}`);
			resolve(127);
		});
		child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
	});
}

function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return null;
	}
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = [];
let buildMs = 0;

/** A runner that exits non-zero must count as a failure even when its report shows none. */
function record(name, counts, code, ms, note) {
	if (code !== 0 && counts.failed === 0) {
		counts.failed = 1;
		note ??= `exited with ${code} without a failing test: see its output above`;
	}
	results.push({ name, ...counts, ms, note });
}

async function vitest(project) {
	const report = join(reports, `vitest-${project}.json`);
	const started = Date.now();
	const code = await run(bin('vitest'), [
		'run',
		'--project',
		project,
		'--reporter=default',
		'--reporter=json',
		`--outputFile.json=${report}`
	]);
	const json = readJson(report);
	const counts = json
		? { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests }
		: { passed: 0, failed: 0, skipped: 0 };
	record(project, counts, code, Date.now() - started, json ? undefined : `no report (exit ${code})`);
}

async function build() {
	// Always from scratch: a build left by another checkout or branch must never be what is tested.
	const started = Date.now();
	console.log('\ntest: building the studio (vite build)');
	const code = await run(bin('vite'), ['build']);
	const ms = (buildMs = Date.now() - started);
	if (code !== 0) record('build', { passed: 0, failed: 1, skipped: 0 }, code, ms, `vite build exited with ${code}`);
	else console.log(`test: build done in ${seconds(ms)}`);
	return code === 0;
}

async function browser(built) {
	if (!built) {
		record('browser', { passed: 0, failed: 1, skipped: 0 }, 1, 0, 'not run: the build failed');
		return;
	}
	const report = join(reports, 'playwright.json');
	const started = Date.now();
	const code = await run(bin('playwright'), ['test'], { E2E_JSON_REPORT: report });
	const json = readJson(report);
	const stats = json?.stats;
	const counts = stats
		? { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped }
		: { passed: 0, failed: 0, skipped: 0 };
	const errors = json?.errors?.length ?? 0;
	if (errors && counts.failed === 0) counts.failed = errors;
	record('browser', counts, code, Date.now() - started, errors ? `${errors} error(s) outside tests (web server, set-up): see above` : undefined);
}

const began = Date.now();
await vitest('unit');
await vitest('integration');
await browser(await build());

console.log('\n── test summary ──');
for (const r of results) {
	const skipped = r.skipped ? `, ${r.skipped} skipped` : '';
	console.log(`${r.name.padEnd(12)} ${r.passed} passed, ${r.failed} failed${skipped}  (${seconds(r.ms)})${r.note ? `  ${r.note}` : ''}`);
}
console.log(`build        ${seconds(buildMs)}`);
console.log(`total time   ${seconds(Date.now() - began)}`);
const total = results.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), {
	passed: 0,
	failed: 0,
	skipped: 0
});
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed ? 1 : 0);
