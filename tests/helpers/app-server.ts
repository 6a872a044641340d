// Runs the studio as a separate process (Vite's dev server, the same realtime mount and hooks as
// production) for tests that talk HTTP as a browser with JavaScript off would. It uses the run's
// PostgreSQL database, or, on the embedded engine, a data folder of its own (PGlite is
// single-process, so it cannot share the test process's folder).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface AppServer {
	url: string;
	stop(): Promise<void>;
	output(): string;
}

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => done(port));
		});
	});
}

export async function startAppServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
	const root = resolve(import.meta.dirname, '../..');
	const port = await freePort();
	const dataDir = await mkdtemp(join(tmpdir(), 'cts-app-'));
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'development', ...extraEnv };
	if (!process.env.DATABASE_URL) delete env.DATABASE_URL;
	let log = '';
	const child: ChildProcess = spawn(join(root, 'node_modules/.bin/vite'), ['dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((done) => child.once('exit', done));
			process.kill(-child.pid!, 'SIGTERM');
			await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
			if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
		}
		await rm(dataDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the studio exited (${child.exitCode}):\n${log}`);
		const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
		if (ok) return { url, stop, output: () => log };
		await new Promise((done) => setTimeout(done, 250));
	}
	await stop();
	throw new Error(`the studio did not answer /api/health within 60 s:\n${log}`);
}
