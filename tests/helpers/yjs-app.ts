// The studio as a process of its own, for tests that must crash it: like tests/helpers/app-server.ts
// (Vite's dev server, the same hooks and realtime mount as production, the run's database), but it
// can be killed with SIGKILL, as a crash would, with no chance to store anything on the way out.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';

export interface CrashableApp {
	url: string;
	/** The y-websocket `serverUrl` of this process. */
	yjsUrl: string;
	/** SIGKILL: no shutdown hook runs, nothing pending is stored. */
	crash(): Promise<void>;
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

export async function startCrashableApp(): Promise<CrashableApp> {
	if (!process.env.DATABASE_URL) throw new Error('a crashable app needs the run’s PostgreSQL database (DATABASE_URL)');
	const root = resolve(import.meta.dirname, '../..');
	const port = await freePort();
	let log = '';
	const child = spawn(join(root, 'node_modules/.bin/vite'), ['dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
		cwd: root,
		env: { ...process.env, PORT: String(port), NODE_ENV: 'development' },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const url = `http://127.0.0.1:${port}`;
	const crash = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((done) => child.once('exit', done));
		process.kill(-child.pid!, 'SIGKILL');
		await exited;
	};
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the studio exited (${child.exitCode}):\n${log}`);
		if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) {
			return { url, yjsUrl: `ws://127.0.0.1:${port}${YJS_PATH_PREFIX.slice(0, -1)}`, crash, output: () => log };
		}
		await new Promise((done) => setTimeout(done, 250));
	}
	await crash();
	throw new Error(`the studio did not answer /api/health within 60 s:\n${log}`);
}
