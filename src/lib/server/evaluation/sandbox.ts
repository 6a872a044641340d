// Runs generated code with its problem's test: CPython compiled to WebAssembly (pyodide) in a worker
// thread, never a process of the studio's user. The program sees an in-memory file system, no
// sockets, no processes, no host environment, and a JavaScript realm stripped of Node's capabilities;
// its memory cannot grow past the limit, its thread is terminated at the deadline, its output and
// its files are capped. A hang, a bomb or a crash fails that sample; the studio goes on.
import { slot } from '../runtime';
import { SandboxPool } from './sandbox-pool';
import { evaluationSettings } from './settings';

export interface SandboxLimits {
	timeoutMs: number;
	/** Python's heap (the interpreter's WebAssembly memory) may not grow past this. */
	memoryBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 10_000, memoryBytes: 512 * 1024 * 1024 };

export type SampleOutcome = 'passed' | 'failed' | 'timeout' | 'error';

export interface SandboxResult {
	outcome: SampleOutcome;
	/** The last lines of what the program wrote to stderr (the failing assertion, the exception). */
	detail: string;
	durationMs: number;
	/** What bounded the program: the same for every sample, said for the record. */
	protections: string[];
}

export interface SandboxOptions {
	/** Whose sample this is (an evaluation's id): interpreters are never shared between owners. */
	owner?: string;
}

const TAIL_CHARS = 2000;
const OUTPUT_CAP = 64 * 1024;
const FILES_CAP = 16 * 1024 * 1024;
const PROTECTIONS = ['wasm', 'no-host-realm', 'memory-cap', 'deadline', 'output-cap', 'files-cap'];
/** Samples without an owner share interpreters among themselves only. */
const NO_OWNER = 'unowned';

const pool = slot('evaluation.sandbox', () => new SandboxPool(() => evaluationSettings().sandboxWorkers));

/** Runs `program` (a whole Python program, its test included); `passed` when it runs to its end. */
export async function runInSandbox(program: string, limits: SandboxLimits = DEFAULT_LIMITS, options: SandboxOptions = {}): Promise<SandboxResult> {
	const result = await pool().run(options.owner ?? NO_OWNER, program, {
		timeoutMs: limits.timeoutMs,
		memoryBytes: limits.memoryBytes,
		outputCapBytes: OUTPUT_CAP,
		fsCapBytes: FILES_CAP
	});
	return { ...result, detail: result.detail.trim().slice(-TAIL_CHARS), protections: PROTECTIONS };
}

/** Starts an interpreter for `owner` while its first answer is generated (cold start: seconds). */
export function warmSandbox(owner: string, memoryBytes: number): void {
	pool().warm(owner, memoryBytes);
}

/** `owner` has run its last sample: its interpreters are retired. */
export function releaseSandbox(owner: string): void {
	pool.peek()?.forget(owner);
}

/** Stops every interpreter (shutdown, tests). */
export function closeSandbox(): void {
	pool.peek()?.close();
	pool.clear();
}

/** Interpreters by state (tests). */
export function sandboxCensus() {
	return pool.peek()?.census() ?? { starting: 0, idle: 0, busy: 0, gone: 0 };
}
