// pass@k as the HumanEval paper estimates it, and how an answer becomes the program a sample runs.
import { describe, expect, it } from 'vitest';
import { meanPassAtK, passAtK, reportedKs } from '$lib/server/evaluation/pass-at-k';
import { programFor } from '$lib/server/evaluation/program';

describe('pass@k', () => {
	it('matches the closed form 1 - C(n-c, k) / C(n, k)', () => {
		const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);
		for (const [n, c, k] of [[10, 3, 1], [10, 3, 5], [20, 1, 10], [7, 0, 3], [5, 5, 2], [200, 37, 100]] as const) {
			expect(passAtK(n, c, k)).toBeCloseTo(1 - (n - c < k ? 0 : choose(n - c, k) / choose(n, k)), 10);
		}
		expect(passAtK(3, 1, 1)).toBeCloseTo(1 / 3);
		expect(() => passAtK(2, 1, 3)).toThrow(RangeError);
	});

	it('averages over problems and reports 1, 10, 100 and n', () => {
		expect(meanPassAtK([{ n: 1, c: 1 }, { n: 1, c: 0 }], 1)).toBe(0.5);
		expect(meanPassAtK([], 1)).toBe(0);
		expect(reportedKs(1)).toEqual([1]);
		expect(reportedKs(20)).toEqual([1, 10, 20]);
		expect(reportedKs(10)).toEqual([1, 10]);
	});
});

describe('the program a sample runs', () => {
	const problem = { task_id: 'T/0', prompt: 'from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    """Add."""\n', entry_point: 'add', canonical_solution: '', test: 'def check(f):\n    assert f(1, 2) == 3\n' };

	it('follows the prompt with a body answer, then the test and the check', async () => {
		expect(await programFor(problem, '    return a + b\n')).toBe(`${problem.prompt}    return a + b\n\n\n${problem.test}\n\ncheck(add)\n`);
	});

	it('takes the code out of a fenced answer through the code-block extractor plugin', async () => {
		const program = await programFor(problem, 'Here:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.');
		expect(program).toContain('def add(a, b):\n    return a + b');
		expect(program).not.toContain('Here:');
		expect(program.startsWith('from typing import List')).toBe(true);
		expect(program.endsWith('check(add)\n')).toBe(true);
	});
});
