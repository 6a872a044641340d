// Runs the studio as a separate process (the production build, started as `npm start` starts it)
// for tests that talk to it over HTTP and WebSockets as a browser would, or that must stop or crash
// it. It uses the run's PostgreSQL database, or, on the embedded engine, a data folder of its
// own (PGlite is single-process, so it cannot share the test process's folder).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// A relative import: browser specs (Playwright, no `$lib` alias) start studios with this too.
import { YJS_PATH_PREFIX } from '../../src/lib/realtime/yjs-protocol';

export interface AppServer {
	url: string;
	/** The studio's process id (tests read its memory from /proc/<pid>/status). */
	pid: number;
	/** The y-websocket `serverUrl` of this process. */
	yjsUrl: string;
	/** SIGTERM, as a deployment stops it (the shutdown hook runs), then the data folder goes. */
	stop(): Promise<void>;
	/** SIGKILL, as a crash would: no shutdown hook runs, nothing pending is stored. */
	crash(): Promise<void>;
	/** Resolves when the process has exited, with how. */
	exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	output(): string;
}

export function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => done(port));
		});
	});
}

function exited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

/** How long one start may take to answer /api/health (a start takes 2–5 s; over 30 s was seen on a machine at load 10). */
const START_DEADLINE_MS = 90_000;

/**
 * One studio process: the production build (`node server.js`, as `npm start` and the Dockerfile run
 * it), so the tests exercise the production path and its shutdown hook. The integration set-up (and
 * `npm test`, before the browser specs) has made the build current.
 */
export async function startAppServer(extraEnv: Record<string, string | undefined> = {}): Promise<AppServer> {
	const root = resolve(import.meta.dirname, '../..');
	const port = await freePort();
	const dataDir = await mkdtemp(join(tmpdir(), 'cts-app-'));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		DATA_DIR: dataDir,
		HOST: '127.0.0.1',
		PORT: String(port),
		NODE_ENV: 'production',
		...extraEnv
	};
	if (!process.env.DATABASE_URL) delete env.DATABASE_URL;
	// A variable given as undefined is unset: a fresh machine's settings, whatever this process has.
	for (const [name, value] of Object.entries(extraEnv)) if (value === undefined) delete env[name];
	let log = '';
	// Node 24 from node_modules (the vitest process runs on it too), not whatever `node` is on PATH.
	const child = spawn(process.execPath, [join(root, 'server.js')], {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const url = `http://127.0.0.1:${port}`;
	const exit = new Promise<void>((done) => child.once('exit', () => done()));
	const kill = async (signal: NodeJS.Signals) => {
		if (exited(child)) return;
		process.kill(-child.pid!, signal);
		// server.js gives its shutdown hook 10 s before it exits by itself.
		await Promise.race([exit, new Promise((done) => setTimeout(done, 12_000))]);
		if (!exited(child)) {
			process.kill(-child.pid!, 'SIGKILL');
			await exit;
		}
	};
	const server: AppServer = {
		url,
		pid: child.pid!,
		yjsUrl: `ws://127.0.0.1:${port}${YJS_PATH_PREFIX.slice(0, -1)}`,
		async stop() {
			await kill('SIGTERM');
			await rm(dataDir, { recursive: true, force: true });
		},
		async crash() {
			await kill('SIGKILL');
		},
		exited: () => exit.then(() => ({ code: child.exitCode, signal: child.signalCode })),
		output: () => log
	};
	const deadline = Date.now() + START_DEADLINE_MS;
	while (Date.now() < deadline) {
		if (exited(child)) {
			await server.stop();
			throw new Error(`the studio exited (${child.exitCode}):\n${log}`);
		}
		if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) return server;
		await new Promise((done) => setTimeout(done, 100));
	}
	await server.stop();
	throw new Error(`the studio did not answer /api/health within ${START_DEADLINE_MS / 1000} s:\n${log.slice(-4000)}`);
}
