// Runs the studio as a separate process (Vite's dev server, the same realtime mount and hooks as
// production) for tests that talk to it over HTTP and WebSockets as a browser would, or that must
// crash it. It uses the run's PostgreSQL database, or, on the embedded engine, a data folder of its
// own (PGlite is single-process, so it cannot share the test process's folder).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';

export interface AppServer {
	url: string;
	/** The y-websocket `serverUrl` of this process. */
	yjsUrl: string;
	/** SIGTERM, as a deployment stops it (the shutdown hook runs), then the data folder goes. */
	stop(): Promise<void>;
	/** SIGKILL, as a crash would: no shutdown hook runs, nothing pending is stored. */
	crash(): Promise<void>;
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

/** How long one start may take to answer /api/health, and how many starts are tried. */
const START_DEADLINE_MS = 50_000;
const START_ATTEMPTS = 2;

/**
 * Test files start studios side by side on one checkout, and each `vite dev` regenerates the
 * shared .svelte-kit/ as it starts: now and then one is caught stat-ing a file another just
 * replaced and never answers (seen about once in 25 starts on a loaded 2-core machine). Such a
 * start is stopped and tried once more; a second failure fails the test with both logs.
 */
export async function startAppServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
	const failures: string[] = [];
	for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
		try {
			return await startOnce(extraEnv);
		} catch (error) {
			failures.push(`start ${attempt}: ${(error as Error).message}`);
			if (attempt < START_ATTEMPTS) console.warn(`the studio did not start (${(error as Error).message.split('\n')[0]}); trying once more`);
		}
	}
	throw new Error(failures.join('\n\n'));
}

async function startOnce(extraEnv: Record<string, string>): Promise<AppServer> {
	const root = resolve(import.meta.dirname, '../..');
	const port = await freePort();
	const dataDir = await mkdtemp(join(tmpdir(), 'cts-app-'));
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development', ...extraEnv };
	if (!process.env.DATABASE_URL) delete env.DATABASE_URL;
	let log = '';
	const child = spawn(join(root, 'node_modules/.bin/vite'), ['dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const url = `http://127.0.0.1:${port}`;
	const kill = async (signal: NodeJS.Signals) => {
		if (exited(child)) return;
		const gone = new Promise((done) => child.once('exit', done));
		process.kill(-child.pid!, signal);
		await Promise.race([gone, new Promise((done) => setTimeout(done, 5000))]);
		if (!exited(child)) process.kill(-child.pid!, 'SIGKILL');
	};
	const server: AppServer = {
		url,
		yjsUrl: `ws://127.0.0.1:${port}${YJS_PATH_PREFIX.slice(0, -1)}`,
		async stop() {
			await kill('SIGTERM');
			await rm(dataDir, { recursive: true, force: true });
		},
		async crash() {
			await kill('SIGKILL');
		},
		output: () => log
	};
	const deadline = Date.now() + START_DEADLINE_MS;
	while (Date.now() < deadline) {
		if (exited(child)) {
			await server.stop();
			throw new Error(`the studio exited (${child.exitCode}):\n${log}`);
		}
		if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) return server;
		await new Promise((done) => setTimeout(done, 250));
	}
	await server.stop();
	throw new Error(`the studio did not answer /api/health within ${START_DEADLINE_MS / 1000} s:\n${log.slice(-4000)}`);
}
