// The server processes of the load bench: studio instances started as production starts them
// (`node server.js` on the build, scripts/setup.mjs --build having made it current), and
// y-websocket's reference server (its own bin/server.cjs, in memory); and what /proc says of any
// process: resident memory and CPU time.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Resident memory of a process in bytes (VmRSS). */
export function rssBytes(pid) {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
	return line ? Number(line[1]) * 1024 : NaN;
}

/** CPU seconds (user + system) a process has used so far, all its threads. */
export function cpuSeconds(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
	} catch {
		return 0; // gone meanwhile
	}
}

/**
 * CPU seconds so far of each process whose command name is `name` and, if given, whose command line
 * contains `argument` (a postgres backend names its database there): pid -> seconds.
 */
export function cpuByProcess(name, argument) {
	const byPid = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
			if (argument && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(argument)) continue;
			byPid.set(entry, cpuSeconds(entry));
		} catch {
			/* the process ended while we looked */
		}
	}
	return byPid;
}

/** CPU seconds between two cpuByProcess readings (a process that ended between them is lost, one that began counts whole). */
export function cpuBetween(before, after) {
	let total = 0;
	for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
	return total;
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});
}

/** Spawns `args` and resolves once a line of its output matches `ready`; rejects if it exits first. */
function startProcess(label, args, env, ready, cwd) {
	const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const lines = [];
	let errorLines = 0;
	const collect = (chunk) => {
		for (const line of String(chunk).split('\n')) {
			if (!line.trim()) continue;
			// pino's JSON lines carry a numeric level: 50 error, 60 fatal.
			const level = Number(line.match(/"level":(\d+)/)?.[1] ?? 0);
			if (level >= 50 || /\b(Error|ERR_|Unhandled)\b/.test(line)) errorLines++;
			lines.push(line);
			if (lines.length > 200) lines.shift();
		}
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	const started = new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${label} did not start within 60 s:\n${lines.join('\n')}`)), 60_000);
		const watch = (chunk) => {
			if (ready.test(String(chunk))) {
				clearTimeout(timer);
				child.stdout.off('data', watch);
				resolve();
			}
		};
		child.stdout.on('data', watch);
		exited.then(({ code, signal }) => (clearTimeout(timer), reject(new Error(`${label} exited (${code ?? signal}) before it listened:\n${lines.join('\n')}`))));
	});
	return {
		child,
		started,
		get pid() {
			return child.pid;
		},
		/** Lines of its output that look like errors (pino level error or fatal, stack traces, unhandled rejections). */
		get errorLines() {
			return errorLines;
		},
		output: () => lines.join('\n'),
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return exited;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			const result = await exited;
			clearTimeout(timer);
			return result;
		}
	};
}

/**
 * A copy of server.js and build/ in a folder of its own (node_modules linked), so that another
 * build of the shared checkout while the bench runs cannot change the studios under it.
 */
export function snapshotBuild(root) {
	const dir = mkdtempSync(join(tmpdir(), 'cts-load-build-'));
	cpSync(join(root, 'build'), join(dir, 'build'), { recursive: true });
	for (const file of ['server.js', 'package.json']) cpSync(join(root, file), join(dir, file));
	symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bench's studios serve GET /metrics (off without a token) to studioLoopDelay with this token. */
const METRICS_TOKEN = 'load-bench-metrics-token-0123456789';

/** One studio instance, `node server.js` of `serverDir` in the checkout `root`, with `env` over the bench's own environment. */
export async function startStudio(root, serverDir, label, env) {
	const port = await freePort();
	const studio = startProcess(label, [join(serverDir, 'server.js')], { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env, METRICS_TOKEN }, /listening on/, root);
	await studio.started;
	return Object.assign(studio, { label, port, httpUrl: `http://127.0.0.1:${port}`, yjsUrl: (promptId) => `ws://127.0.0.1:${port}/yjs/${promptId}` });
}

/** y-websocket 2.1's reference server (bin/server.cjs: in memory, no auth, no persistence). */
export async function startReference(root) {
	const port = await freePort();
	const script = join(root, 'node_modules/y-websocket-reference/bin/server.cjs');
	const reference = startProcess('reference', [script], { ...process.env, HOST: '127.0.0.1', PORT: String(port) }, /running at/, root);
	await reference.started;
	return Object.assign(reference, { label: 'reference', port, yjsUrl: (room) => `ws://127.0.0.1:${port}/${room}` });
}

/** The whole machine's CPU seconds so far: busy (all but idle and iowait) and in all. */
export function machineCpu() {
	const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
	const total = fields.reduce((sum, value) => sum + value, 0);
	return { busy: (total - fields[3] - fields[4]) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

/**
 * A studio's event-loop delay, p99 and max in ms, since the last call (prom-client's default
 * metrics on GET /metrics reset their histogram on each scrape). Null if it does not answer.
 */
export async function studioLoopDelay(httpUrl) {
	try {
		const text = await (await fetch(`${httpUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, signal: AbortSignal.timeout(10_000) })).text();
		const read = (name) => Number(text.match(new RegExp(`^cts_nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm'))?.[1]) * 1000;
		return { p99: read('p99'), max: read('max') };
	} catch {
		return null;
	}
}
