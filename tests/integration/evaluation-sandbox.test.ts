// The evaluation sandbox on real programs: every HumanEval canonical solution passes its own test;
// wrong code fails with the failing assertion; an infinite loop, a fork bomb, a memory bomb, the
// network and the studio's secrets are contained; the scratch directory is gone afterwards. Each
// test looks only at what its own sample made (the processes of its session, its scratch folder),
// never at the machine as a whole, so other files running samples at the same time change nothing.
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { runInSandbox, type SandboxLimits, type SandboxResult } from '$lib/server/evaluation/sandbox';
import { loadHumanEval, type HumanEvalProblem } from '../helpers/humaneval';

type Problem = HumanEvalProblem;

const problems = loadHumanEval();

/** The program an evaluation runs: the problem's prompt and a completion, its test, the check. */
const program = (problem: Problem, completion: string) => `${problem.prompt}${completion}\n\n${problem.test}\n\ncheck(${problem.entry_point})\n`;

const QUICK: SandboxLimits = { timeoutMs: 3000, memoryBytes: 256 * 1024 * 1024, cpuSeconds: 5 };

/** As root the guard becomes `nobody`; otherwise the sample runs as the studio's own user. */
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = [];
	for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
	return results;
}

/** The first lines of a sample: it says who it is (on stderr, which the result's detail keeps). */
const SAY_WHO = "import os, sys\nprint(f'sample pid={os.getpid()} sid={os.getsid(0)} ppid={os.getppid()} uid={os.getuid()} cwd={os.getcwd()}', file=sys.stderr, flush=True)\n";

interface Sample {
	pid: number;
	/** Its session: the studio starts each sample in a session of its own (detached). */
	sid: number;
	ppid: number;
	uid: number;
	/** Its scratch folder. */
	cwd: string;
}

function sampleOf(result: SandboxResult): Sample {
	const match = /^sample pid=(\d+) sid=(\d+) ppid=(\d+) uid=(\d+) cwd=(.+)$/m.exec(result.detail);
	if (!match) throw new Error(`the sample did not say who it was: ${result.outcome} ${result.detail}`);
	const [, pid, sid, ppid, uid, cwd] = match;
	return { pid: Number(pid), sid: Number(sid), ppid: Number(ppid), uid: Number(uid), cwd: cwd! };
}

/** Live processes (zombies aside) in the sample's session or working in its scratch folder. */
function processesOf(sample: Sample): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			// After "pid (comm) ": state ppid pgrp session …
			const [state, , , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (state === 'Z') continue;
			let cwd = '';
			try {
				cwd = readlinkSync(`/proc/${pid}/cwd`);
			} catch {
				// Not ours to read, or gone: not in the scratch folder as far as we can tell.
			}
			if (Number(session) === sample.sid || cwd.startsWith(sample.cwd)) found.push(`${pid} ${state} session ${session} cwd ${cwd}`);
		} catch {
			// Ended while we looked.
		}
	}
	return found;
}

/** Every process of the sample ends (the studio kills its group when it ends). */
async function expectNothingLeftOf(sample: Sample): Promise<void> {
	await vi.waitFor(() => expect(processesOf(sample)).toEqual([]), { timeout: 5000, interval: 50 });
}

/** The user the sample ran as: nobody where the studio runs as root, the studio's own user otherwise. */
function expectUnprivileged(result: SandboxResult, sample: Sample): void {
	if (AS_ROOT) {
		expect(result.protections).toContain('nobody');
		expect(sample.uid).toBe(NOBODY);
	} else {
		expect(result.protections).not.toContain('nobody');
		expect(sample.uid).toBe(process.getuid!());
	}
}

describe('the evaluation sandbox', () => {
	it('passes all 164 HumanEval canonical solutions against their own tests', async () => {
		expect(problems).toHaveLength(164);
		const results = await inBatches(problems, 4, async (problem) => ({ id: problem.task_id, result: await runInSandbox(program(problem, problem.canonical_solution), { ...QUICK, timeoutMs: 15_000 }) }));
		const failures = results.filter((r) => r.result.outcome !== 'passed').map((r) => `${r.id}: ${r.result.outcome} ${r.result.detail}`);
		expect(failures).toEqual([]);
		expect(results[0]!.result.protections).toEqual(expect.arrayContaining(['rlimits', 'guard']));
	}, 180_000);

	it('fails wrong code with the failing assertion', async () => {
		const problem = problems[0]!;
		const result = await runInSandbox(program(problem, '    return False\n'), QUICK);
		expect(result.outcome).toBe('failed');
		expect(result.detail).toMatch(/AssertionError/);
		const broken = await runInSandbox(program(problem, '    return (\n'), QUICK);
		expect(broken).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/SyntaxError/) });
	});

	it('stops an infinite loop at its wall-clock timeout and kills it', async () => {
		const result = await runInSandbox(`${SAY_WHO}while True:\n    pass\n`, { ...QUICK, timeoutMs: 1000 });
		// "timeout" is the studio's own timer firing (the CPU limit, 5 s, would end it as "failed").
		expect(result.outcome).toBe('timeout');
		expect(result.detail).toContain('stopped after 1000 ms');
		expect(result.durationMs).toBeGreaterThanOrEqual(1000);
		await expectNothingLeftOf(sampleOf(result));
	});

	it('contains a fork bomb: os.fork is refused, and posix.fork stops at the process limit of the unprivileged user the sample runs as; nothing of it is left running', async () => {
		const refused = await runInSandbox('import os\nwhile True:\n    os.fork()\n', QUICK);
		expect(refused).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/PermissionError/) });

		// Forks until the kernel refuses; each child outlives the sample (asleep, its pipes closed).
		const bomb = await runInSandbox(
			`${SAY_WHO}import posix, time\nforks, refusal = 0, None\nwhile forks < 500:\n    try:\n        child = posix.fork()\n    except OSError as error:\n        refusal = error.errno\n        break\n    if child == 0:\n        os.closerange(0, 64)\n        time.sleep(60)\n        posix._exit(0)\n    forks += 1\nprint(f'forks={forks} refusal={refusal}', file=sys.stderr, flush=True)\n`,
			QUICK
		);
		expect(bomb.outcome, bomb.detail).toBe('passed');
		const sample = sampleOf(bomb);
		expectUnprivileged(bomb, sample);
		// EAGAIN: the process limit (16 for the user, whoever else runs as it), long before 500 forks.
		const [, forks, refusal] = /^forks=(\d+) refusal=(\S+)$/m.exec(bomb.detail)!;
		expect(refusal).toBe('11');
		expect(Number(forks)).toBeLessThan(16);
		await expectNothingLeftOf(sample);
	});

	it('refuses a memory bomb', async () => {
		const result = await runInSandbox('x = bytearray(2 * 1024 ** 3)\n', QUICK);
		expect(result).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/MemoryError/) });
	});

	it('keeps the program off the network', async () => {
		const sockets = await runInSandbox("import socket\nsocket.create_connection(('127.0.0.1', 5432), timeout=1)\n", QUICK);
		expect(sockets).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/PermissionError/) });
	});

	it('gives the program none of the studio’s environment: no DATABASE_URL, no token, no secret of it', async () => {
		const added = { DATABASE_URL: process.env.DATABASE_URL ? null : 'postgresql://studio:db-password-for-no-sample@127.0.0.1/studio', CTS_SANDBOX_SECRET: 'hf_not_for_generated_code' };
		for (const [name, value] of Object.entries(added)) if (value) process.env[name] = value;
		try {
			const secrets = [process.env.DATABASE_URL!, process.env.CTS_SANDBOX_SECRET!];
			const env = await runInSandbox(
				`import os\nnames = ('DATABASE_URL', 'CTS_SANDBOX_SECRET')\nassert not any(name in os.environ for name in names), 'a studio variable is in the environment'\nassert not any(k.endswith('TOKEN') for k in os.environ), 'a token is in the environment'\nsecrets = ${JSON.stringify(secrets)}\nassert not any(secret in value for secret in secrets for value in os.environ.values()), 'a secret is in the environment'\n`,
				QUICK
			);
			expect(env.outcome, env.detail).toBe('passed');
		} finally {
			for (const [name, value] of Object.entries(added)) if (value) delete process.env[name];
		}
	});

	// The studio's own environment (DATABASE_URL, HF_TOKEN…) is also in /proc/<studio pid>/environ.
	// As root the guard becomes nobody, and nobody may not read a root process's environ: checked here.
	// Not as root the sample runs as the studio's own user and CAN read it: that hole stays open in this
	// sandbox (a child process) and is closed by the WebAssembly (pyodide) sandbox that replaces it.
	it.skipIf(!AS_ROOT)('keeps the studio’s environment out of reach through /proc/<studio pid>/environ (as root: the sample runs as nobody)', async () => {
		const result = await runInSandbox(
			`${SAY_WHO}try:\n    held = open(f'/proc/{os.getppid()}/environ', 'rb').read()\nexcept PermissionError:\n    held = None\nassert held is None, 'read the studio environ' + (', DATABASE_URL included' if b'DATABASE_URL=' in held else '')\n`,
			QUICK
		);
		const sample = sampleOf(result);
		// The parent is the studio process (here, this test process), whose environ is there to read.
		expect(sample.ppid).toBe(process.pid);
		expect(readFileSync(`/proc/${process.pid}/environ`).length).toBeGreaterThan(0);
		expectUnprivileged(result, sample);
		expect(result.outcome, result.detail).toBe('passed');
	});

	it('a network namespace of its own stops even a raw socket to a port that listens here', async (ctx) => {
		// Past the guard, straight to the C module: only the namespace stops it. Where the kernel
		// refuses one (not root, no user namespaces) this is reported as skipped, not passed.
		const raw = await runInSandbox("import _socket\ns = _socket.socket()\ns.settimeout(1)\ns.connect(('127.0.0.1', 5432))\n", QUICK);
		if (!raw.protections.includes('netns')) return ctx.skip('no network namespace on this machine');
		expect(raw).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/ConnectionRefused|Network is unreachable|timed out/) });
	});

	it('leaves no scratch directory behind', async () => {
		const result = await runInSandbox(`${SAY_WHO}open('scratch.txt', 'w').write('x')\nassert os.path.exists(os.path.join(os.getcwd(), 'scratch.txt'))\n`, QUICK);
		expect(result.outcome, result.detail).toBe('passed');
		const { cwd } = sampleOf(result);
		expect(cwd).toMatch(/cts-eval-/);
		expect(existsSync(cwd)).toBe(false);
	});
});
