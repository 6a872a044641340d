// A private redis-server for tests that must take Redis away (kill it, start it again on the same
// port) while studio instances use it. It never touches the machine's Redis: a free port of its own,
// nothing saved to disk, so a restart comes back empty as a lost Redis would.
import { spawn, type ChildProcess } from 'node:child_process';
import { probeRedis } from '../setup/services';
import { freePort } from './app-server';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';

export interface RedisProcess {
	port: number;
	/** redis://127.0.0.1:<port> */
	url: string;
	/** SIGKILL, as a crash would; resolves once the process is gone. */
	kill(): Promise<void>;
	/** Starts it again on the same port; resolves once it answers PING. */
	start(): Promise<void>;
	running(): boolean;
	output(): string;
}

export async function startRedisProcess(): Promise<RedisProcess> {
	const port = await freePort();
	const url = `redis://127.0.0.1:${port}`;
	let child: ChildProcess | null = null;
	let log = '';
	const alive = (proc: ChildProcess | null): boolean => !!proc && proc.exitCode === null && proc.signalCode === null;

	async function start(): Promise<void> {
		if (alive(child)) return;
		const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		started.stdout!.on('data', (chunk) => (log += chunk));
		started.stderr!.on('data', (chunk) => (log += chunk));
		child = started;
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline) {
			if (!alive(started)) throw new Error(`redis-server exited (${started.exitCode ?? started.signalCode}):\n${log}`);
			if ((await probeRedis(url, 500)) === null) return;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		started.kill('SIGKILL');
		throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${log}`);
	}

	await start();
	return {
		port,
		url,
		start,
		async kill() {
			const running = child;
			if (!running || !alive(running)) return;
			const gone = new Promise((resolve) => running.once('exit', resolve));
			running.kill('SIGKILL');
			await gone;
		},
		running: () => alive(child),
		output: () => log
	};
}
