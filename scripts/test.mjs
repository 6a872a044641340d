#!/usr/bin/env node
// `npm test`: a fresh production build, then every runner, and one line that totals them: unit
// (vitest), integration (vitest, real PostgreSQL and Redis, studios started from the build as
// `node server.js`), browser (playwright, chromium, the build started as `npm start` on the embedded
// database).
// The browser run shares nothing with the vitest runs (its studios have their own embedded databases,
// no Redis, their own ports below the ephemeral range: playwright.config.ts) and mostly waits on
// chromium and on its studios, as integration mostly waits on sockets and studios: so unit then the
// browser run go beside integration instead of after it, the browser's lines prefixed `browser │`.
// A runner that fails still lets the others run; the exit status is non-zero if anything failed.
// Under CI (CI set), a skipped test fails the run too: a green run must mean every test ran.
// `npm run pretest` (scripts/setup.mjs, scripts/ensure-test-tools.mjs) has prepared the checkout.
// Plain JavaScript, like setup.mjs.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build as buildStudio } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = join(root, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

/** Copies a child's output to ours line by line, each line behind `prefix` (lines never interleave mid-way). */
function prefixLines(stream, out, prefix) {
	let rest = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk) => {
		const lines = (rest + chunk).split('\n');
		rest = lines.pop();
		if (lines.length) out.write(lines.map((line) => prefix + line + '\n').join(''));
	});
	stream.on('end', () => rest && out.write(prefix + rest + '\n'));
}

function run(file, args, env = {}, prefix) {
	return new Promise((resolve) => {
		const child = spawn(file, args, { cwd: root, stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...env } });
		if (prefix) {
			prefixLines(child.stdout, process.stdout, prefix);
			prefixLines(child.stderr, process.stderr, prefix);
		}
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

async function vitest(project, built) {
	if (!built) {
		record(project, { passed: 0, failed: 1, skipped: 0 }, 1, 0, 'not run: the build failed');
		return;
	}
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
	let ok = true;
	try {
		buildStudio({ force: true, log: (line) => console.log(`\ntest: ${line}`) });
	} catch (error) {
		ok = false;
		record('build', { passed: 0, failed: 1, skipped: 0 }, 1, Date.now() - started, `vite build failed: ${error.message.split('\n')[0]}`);
	}
	buildMs = Date.now() - started;
	if (ok) console.log(`test: build done in ${seconds(buildMs)}`);
	return ok;
}

async function browser(built) {
	if (!built) {
		record('browser', { passed: 0, failed: 1, skipped: 0 }, 1, 0, 'not run: the build failed');
		return;
	}
	const report = join(reports, 'playwright.json');
	const started = Date.now();
	const code = await run(bin('playwright'), ['test'], { E2E_JSON_REPORT: report }, 'browser │ ');
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
const built = await build();
// Integration is the longest runner: it starts at once; unit (under a minute) goes before the browser
// run, beside it.
await Promise.all([
	vitest('integration', built),
	(async () => {
		await vitest('unit', true);
		await browser(built);
	})()
]);

console.log('\n── test summary ──');
const ORDER = ['build', 'unit', 'integration', 'browser'];
results.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
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
const skippedFails = !!process.env.CI && total.skipped > 0;
if (skippedFails) console.log(`test: CI is set and ${total.skipped} test(s) were skipped: under CI every test must run, so this run fails`);
process.exit(total.failed || skippedFails ? 1 : 0);
