// The Space's Python servers (deploy/hf-space) as the studio's tests run them: the real proxy and the
// real CodeT5+ server around a scripted stand-in model (tests/hf-space/serve_codet5p_stand_in.py), each
// a child process on a free loopback port, stopped by the test that started it. They need Python with
// FastAPI, uvicorn and httpx (Debian's python3-fastapi, python3-uvicorn, python3-httpx; .ci/run
// installs them); no torch, no GPU.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
export const SPACE_DIR = join(root, 'deploy', 'hf-space');
const STAND_IN = join(root, 'tests', 'hf-space', 'serve_codet5p_stand_in.py');

// Nothing written into the checkout: no __pycache__ beside the Space's files.
const PYTHON_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };

/** The Python that runs the Space's servers here: SPACE_PYTHON, else Debian's (where apt installs the web stack). */
export const SPACE_PYTHON = process.env.SPACE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/** Why the Space's servers cannot run on this machine, or null when they can. */
export function spacePythonMissing(): string | null {
	const probe = spawnSync(SPACE_PYTHON, ['-c', 'import fastapi, uvicorn, httpx'], { encoding: 'utf8' });
	if (probe.status === 0) return null;
	return `${SPACE_PYTHON} lacks FastAPI, uvicorn or httpx (apt-get install python3-fastapi python3-uvicorn python3-httpx): ${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}`;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer()
			.once('error', reject)
			.listen(0, '127.0.0.1', () => {
				const { port } = probe.address() as { port: number };
				probe.close(() => resolve(port));
			});
	});
}

export interface PythonServer {
	url: string;
	/** What the process wrote so far (for a failing test's message). */
	output(): string;
	stop(): Promise<void>;
}

async function startPython(args: string[], port: number, env: Record<string, string>): Promise<PythonServer> {
	const child: ChildProcess = spawn(SPACE_PYTHON, args, { env: { ...PYTHON_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
	};
	// Ready once it answers anything over HTTP (a loading server answers 503).
	for (let tries = 0; ; tries++) {
		if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}:\n${output}`);
		try {
			await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
			break;
		} catch {
			if (tries > 300) {
				await stop();
				throw new Error(`${args[0]} did not listen on ${url}:\n${output}`);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return { url, output: () => output, stop };
}

export interface StandInOptions {
	failLoad?: string;
	loadAfter?: string;
	loadAfterFailed?: string;
	keepaliveSeconds?: number;
	maxWaiting?: number;
	template?: 'instruction' | 'none';
}

/** The real CodeT5+ server with the stand-in model. */
export async function startCodeT5pStandIn(options: StandInOptions = {}): Promise<PythonServer> {
	const port = await freePort();
	const args = [STAND_IN, '--port', String(port)];
	if (options.failLoad) args.push('--fail-load', options.failLoad);
	if (options.loadAfter) args.push('--load-after', options.loadAfter);
	if (options.loadAfterFailed) args.push('--load-after-failed', options.loadAfterFailed);
	if (options.keepaliveSeconds !== undefined) args.push('--keepalive', String(options.keepaliveSeconds));
	if (options.maxWaiting !== undefined) args.push('--max-waiting', String(options.maxWaiting));
	if (options.template) args.push('--template', options.template);
	return startPython(args, port, {});
}

/** The Space's proxy in front of the two given model servers. */
export async function startSpaceProxy(env: { wrnUrl: string; codet5pUrl: string; stateDir: string; hfHome: string; apiKey?: string }): Promise<PythonServer> {
	const port = await freePort();
	return startPython([join(SPACE_DIR, 'proxy.py'), '--host', '127.0.0.1', '--port', String(port)], port, {
		WRN_UPSTREAM_URL: env.wrnUrl,
		CODET5P_UPSTREAM_URL: env.codet5pUrl,
		MODEL_STATE_DIR: env.stateDir,
		HF_HOME: env.hfHome,
		HF_HUB_CACHE: '',
		API_KEY: env.apiKey ?? ''
	});
}

/** Runs one of the Space's scripts to its end: its exit status and output. */
export function runSpaceScript(script: string, args: string[], env: Record<string, string> = {}) {
	const result = spawnSync(SPACE_PYTHON, [join(SPACE_DIR, script), ...args], { encoding: 'utf8', env: { ...PYTHON_ENV, ...env } });
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The Space's Python unit tests (tests/hf-space/test_*.py, stdlib unittest): exit status and output. */
export function runSpaceUnitTests() {
	const result = spawnSync(SPACE_PYTHON, ['-m', 'unittest', 'discover', '-s', join(root, 'tests', 'hf-space'), '-p', 'test_*.py'], { encoding: 'utf8', env: PYTHON_ENV });
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `data:` payloads of a server-sent event stream as they arrive (comments left out). */
export async function* sseData(response: Response): AsyncGenerator<string> {
	const reader = response.body!.getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	try {
		while (true) {
			const { done, value } = await reader.read();
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			let end: number;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const event = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				for (const line of event.split('\n')) if (line.startsWith('data:')) yield line.slice(5).trim();
			}
		}
	} finally {
		reader.releaseLock();
	}
}
