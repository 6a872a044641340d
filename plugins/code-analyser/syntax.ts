// Syntax checks in child processes, each with a killing timeout: Python's own parser (ast.parse)
// and Node's (`node --check`, the same binary that serves the app). TypeScript is not checked: the
// `typescript` package is a devDependency, absent from a production install.
import { spawn } from 'node:child_process';

export type SyntaxResult = { status: 'ok' } | { status: 'error'; message: string; line: number | null } | { status: 'not checked'; reason: string };

const PY = 'import ast,sys\ntry:\n    ast.parse(sys.stdin.read())\nexcept SyntaxError as e:\n    print(f"{e.lineno}\\t{e.msg}"); sys.exit(1)';

function runChecker(command: string, args: string[], input: string, timeoutMs: number): Promise<{ code: number | null; out: string; missing?: boolean; timedOut?: boolean }> {
	return new Promise((resolve) => {
		const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, out: error.message, missing: error.code === 'ENOENT' }));
		child.on('close', (code, signal) => resolve({ code, out, timedOut: signal === 'SIGKILL' }));
		child.stdin.on('error', () => {}); // the checker may exit before reading everything; its exit code tells
		child.stdin.end(input);
	});
}

export async function checkPython(code: string, timeoutMs = 2_000): Promise<SyntaxResult> {
	const r = await runChecker('python3', ['-c', PY], code, timeoutMs);
	if (r.missing) return { status: 'not checked', reason: 'python3 is not installed' };
	if (r.timedOut) return { status: 'not checked', reason: 'the check timed out' };
	if (r.code === 0) return { status: 'ok' };
	const m = r.out.match(/^(\d+|None)\t(.*)$/m);
	return { status: 'error', message: m ? m[2]! : r.out.trim().split('\n').at(-1) ?? 'syntax error', line: m && m[1] !== 'None' ? Number(m[1]) : null };
}

export async function checkJavaScript(code: string, timeoutMs = 2_000): Promise<SyntaxResult> {
	const module = /^\s*(import|export)\s/m.test(code);
	const r = await runChecker(process.execPath, ['--check', `--input-type=${module ? 'module' : 'commonjs'}`, '-'], code, timeoutMs);
	if (r.missing) return { status: 'not checked', reason: 'node is not available' };
	if (r.timedOut) return { status: 'not checked', reason: 'the check timed out' };
	if (r.code === 0) return { status: 'ok' };
	const line = r.out.match(/\[stdin\]:(\d+)/)?.[1];
	const message = r.out.match(/^(SyntaxError: .*)$/m)?.[1] ?? 'syntax error';
	return { status: 'error', message, line: line ? Number(line) : null };
}
