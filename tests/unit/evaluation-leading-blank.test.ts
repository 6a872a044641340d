// A model answer that starts with blank or whitespace-only lines (as real models often do, and as
// HumanEval/81's canonical solution does) keeps its first real line's indentation in the program.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { programFor } from '$lib/server/evaluation/program';
import { loadHumanEval } from '../helpers/humaneval';

const python = (() => {
	try {
		execFileSync('python3', ['--version']);
		return true;
	} catch {
		return false;
	}
})();

describe('an answer that starts with blank lines', () => {
	const problem = { task_id: 'T/0', prompt: 'def f():\n    """One."""\n', entry_point: 'f', canonical_solution: '', test: 'def check(c):\n    assert c() == 1\n' };

	it.each([
		['\n    return 1', '    return 1'],
		['   \n    return 1', '    return 1'],
		['\n\n    x = 1\n    return x', '    x = 1\n    return x'],
		// an unindented body after a whitespace-only line is indented as a whole
		['   \nreturn 1', '    return 1']
	])('keeps the body indented as the answer %j has it', async (answer, body) => {
		const program = await programFor(problem, answer);
		expect(program.startsWith(problem.prompt)).toBe(true);
		expect(program).toContain(body);
		expect(program).not.toMatch(/^ {8}(return|x = )/m);
		if (python) expect(() => execFileSync('python3', ['-c', program], { stdio: 'pipe' })).not.toThrow();
	});

	it("passes with HumanEval/81's canonical solution, which starts with \"\\n   \\n    \"", async () => {
		const he81 = loadHumanEval().find((p) => p.task_id === 'HumanEval/81')!;
		expect(he81.canonical_solution.startsWith('\n   \n    ')).toBe(true);
		const program = await programFor(he81, he81.canonical_solution);
		expect(program).toContain(`${he81.prompt}\n   \n    letter_grade = []`);
		if (python) expect(() => execFileSync('python3', ['-c', program], { stdio: 'pipe' })).not.toThrow();
	});
});
