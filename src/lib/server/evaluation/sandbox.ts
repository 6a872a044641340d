// Runs generated code with its problem's test in a separate Python process per sample: a scratch
// directory of its own (deleted after), a wall-clock timeout that kills the whole process group,
// and the limits sandbox-guard.py sets (memory, CPU, files, processes, no network, privileges
// dropped). A hang, a fork bomb or a crash fails that sample; the studio goes on.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import guardSource from './sandbox-guard.py?raw';

export interface SandboxLimits {
	timeoutMs: number;
	memoryBytes: number;
	cpuSeconds: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 10_000, memoryBytes: 512 * 1024 * 1024, cpuSeconds: 10 };

export type SampleOutcome = 'passed' | 'failed' | 'timeout' | 'error';

export interface SandboxResult {
	outcome: SampleOutcome;
	/** The last lines of what the program wrote to stderr (the failing assertion, the exception). */
	detail: string;
	durationMs: number;
	/** Which protections took effect: netns, nobody, rlimits, guard. */
	protections: string[];
}

/** Python's executable; `PYTHON` names another. */
const python = () => process.env.PYTHON || 'python3';
const TAIL_CHARS = 2000;

/** Runs `program` (a whole Python program, its test included); `passed` when it exits 0. */
export async function runInSandbox(program: string, limits: SandboxLimits = DEFAULT_LIMITS): Promise<SandboxResult> {
	const dir = await mkdtemp(join(tmpdir(), 'cts-eval-'));
	try {
		// Writable by the `nobody` the guard becomes when the studio runs as root.
		await chmod(dir, 0o777);
		await writeFile(join(dir, 'guard.py'), guardSource);
		await writeFile(join(dir, 'program.py'), program);
		return await execute(dir, limits);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

function execute(dir: string, limits: SandboxLimits): Promise<SandboxResult> {
	const started = performance.now();
	return new Promise((resolve) => {
		const child = spawn(python(), ['-I', '-B', 'guard.py', 'program.py', String(limits.memoryBytes), String(limits.cpuSeconds)], {
			cwd: dir,
			// Nothing of the studio's environment (no credentials, no proxies) reaches the program.
			env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, PYTHONDONTWRITEBYTECODE: '1' },
			stdio: ['ignore', 'ignore', 'pipe'],
			detached: true
		});
		let stderr = '';
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-64_000);
		});
		let timedOut = false;
		const killGroup = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// Already gone.
			}
		};
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup();
		}, limits.timeoutMs);
		const finish = (outcome: SampleOutcome, extra = '') => {
			clearTimeout(timer);
			killGroup(); // anything it left behind
			const marker = /^sandbox:(.*)$/m.exec(stderr);
			const detail = (stderr.replace(/^sandbox:.*\n?/m, '') + extra).trim().slice(-TAIL_CHARS);
			resolve({ outcome, detail, durationMs: Math.round(performance.now() - started), protections: marker ? marker[1]!.split(',') : [] });
		};
		child.on('error', (error) => finish('error', `could not start ${python()}: ${error.message}`));
		child.on('close', (code, signal) => {
			if (timedOut) return finish('timeout', `\nstopped after ${limits.timeoutMs} ms`);
			if (code === 0) return finish('passed');
			finish('failed', signal ? `\nkilled by ${signal}` : '');
		});
	});
}
