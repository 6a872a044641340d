// The code block extractor and the code analyser on real model outputs and HumanEval problems.
import { describe, expect, it } from 'vitest';
import extractor from '../../../plugins/code-block-extractor';
import analyser from '../../../plugins/code-analyser';
import { detectLanguage, extractCodeBlocks } from '../../../plugins/code-block-extractor/extract';
import { checkJavaScript, checkPython } from '../../../plugins/code-analyser/syntax';
import { javascriptComplexity, pythonComplexity } from '../../../plugins/code-analyser/complexity';
import { loadHumanEval } from '../../helpers/humaneval';

const problems = loadHumanEval();
const model = { id: 'whiterabbitneo' };

const chatAnswer = `Here is a function that checks whether a number is prime:

\`\`\`python
def is_prime(n: int) -> bool:
    if n < 2:
        return False
    for i in range(2, int(n ** 0.5) + 1):
        if n % i == 0:
            return False
    return True
\`\`\`

And the same in JavaScript:

\`\`\`js
function isPrime(n) {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}
\`\`\`
`;

describe('code block extraction', () => {
	it('finds each fenced block with its language and first line', () => {
		const blocks = extractCodeBlocks(chatAnswer);
		expect(blocks.map((b) => [b.language, b.line, b.fenced])).toEqual([['python', 4, true], ['javascript', 16, true]]);
		expect(blocks[0]!.code.startsWith('def is_prime(n: int) -> bool:\n')).toBe(true);
	});

	it('detects the language of unlabelled and bare code', () => {
		expect(detectLanguage('import os\n\ndef main():\n    print(os.getcwd())\n')).toBe('python');
		expect(detectLanguage('const add = (a, b) => a + b;\nconsole.log(add(1, 2));\n')).toBe('javascript');
		expect(detectLanguage('interface User { name: string }\nconst u: User = { name: "a" };\n')).toBe('typescript');
		expect(detectLanguage('#!/bin/bash\nset -e\necho hi\n')).toBe('shell');
		expect(detectLanguage('The answer is forty-two.')).toBe('unknown');
		const bare = extractCodeBlocks('\ndef f(x):\n    return x * 2\n');
		expect(bare).toEqual([{ language: 'python', declared: null, code: 'def f(x):\n    return x * 2\n', line: 2, fenced: false }]);
	});

	it('gives an evaluation the HumanEval program exactly: prompt + canonical body, fenced or bare', async () => {
		for (const p of problems.slice(0, 40)) {
			const problem = { taskId: p.task_id, prompt: p.prompt, entryPoint: p.entry_point };
			const fenced = await extractor.scoreSample!({ output: `Here you go:\n\`\`\`python\n${p.canonical_solution}\`\`\`\nDone.`, problem, config: { language: 'python' } });
			expect(fenced.code).toBe(p.prompt + p.canonical_solution);
			const bare = await extractor.scoreSample!({ output: p.canonical_solution, problem, config: { language: 'python' } });
			expect(bare.code).toBe(p.prompt + p.canonical_solution);
		}
	});

	it('appends a whole-function answer after the prompt so its imports stay', async () => {
		const p = problems[0]!;
		const full = `def ${p.entry_point}(numbers, threshold):\n${p.canonical_solution}`;
		const r = await extractor.scoreSample!({ output: '```python\n' + full + '```', problem: { taskId: p.task_id, prompt: p.prompt, entryPoint: p.entry_point }, config: { language: 'python' } });
		expect(r.code.startsWith(p.prompt.trimEnd())).toBe(true);
		expect(r.code.endsWith(full)).toBe(true);
		expect(r.notes).toContain('answer is a function');
		expect(await checkPython(r.code)).toEqual({ status: 'ok' });
	});
});

describe('syntax checks', () => {
	it('every HumanEval canonical solution parses as Python', async () => {
		// Four at a time: one python3 process each, on a machine shared with other work.
		const failures: { taskId: string; status: string }[] = [];
		for (let i = 0; i < problems.length; i += 4) {
			const batch = problems.slice(i, i + 4);
			const results = await Promise.all(batch.map((p) => checkPython(p.prompt + p.canonical_solution, 10_000)));
			results.forEach((r, k) => r.status !== 'ok' && failures.push({ taskId: batch[k]!.task_id, status: r.status }));
		}
		expect(failures).toEqual([]);
		expect(problems).toHaveLength(164);
	}, 60_000);

	it('broken Python fails with its line', async () => {
		const p = problems[2]!;
		const broken = p.prompt + p.canonical_solution.replace(/\n$/, '') + '\n    if x ==\n';
		const r = await checkPython(broken);
		expect(r.status).toBe('error');
		expect(r).toMatchObject({ line: broken.split('\n').length - 1 });
	});

	it('checks JavaScript with node, scripts and modules', async () => {
		expect(await checkJavaScript('function f(a) { return a + 1 }\n')).toEqual({ status: 'ok' });
		expect(await checkJavaScript("import fs from 'node:fs';\nexport const x = fs;\n")).toEqual({ status: 'ok' });
		expect(await checkJavaScript('const x = 1;\nfunction f( {\n')).toMatchObject({ status: 'error', message: expect.stringMatching(/^SyntaxError/) });
	});
});

describe('cyclomatic complexity', () => {
	it('counts decision points per Python function', () => {
		expect(pythonComplexity('def is_prime(n):\n    if n < 2:\n        return False\n    for i in range(2, n):\n        if n % i == 0 and i > 1:\n            return False\n    return True\n\ndef one():\n    return "if and or"\n'))
			.toEqual([{ name: 'is_prime', line: 1, complexity: 5 }, { name: 'one', line: 9, complexity: 1 }]);
	});

	it('counts decision points per JavaScript function', () => {
		expect(javascriptComplexity(extractCodeBlocks(chatAnswer)[1]!.code)).toEqual([{ name: 'isPrime', line: 1, complexity: 4 }]);
		expect(javascriptComplexity('const pick = (a, b) => {\n  return a ?? (b ? 1 : 2);\n};\n')).toEqual([{ name: 'pick', line: 1, complexity: 3 }]);
	});
});

describe('the code analyser plugin', () => {
	it('reports a syntax error at its line in the output, with the lines around it, and complexity over the limit', async () => {
		const output = 'Fixed version:\n\n```python\ndef f(x):\n    return (x +\n```\n';
		const r = await analyser.analyseOutput!({ output, model, config: { maxComplexity: 10, syntaxCheck: true, checkTimeoutMs: 2000 } });
		expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([
			expect.objectContaining({ ruleId: 'syntax-error', severity: 'error', location: { line: 5 }, excerpt: { code: 'def f(x):\n    return (x +', language: 'python' } })
		]);
		const ok = await analyser.analyseOutput!({ output: chatAnswer, model, config: { maxComplexity: 3, syntaxCheck: true, checkTimeoutMs: 2000 } });
		expect(ok.findings.map((f) => [f.ruleId, f.location?.line])).toEqual([['high-complexity', 4], ['code-checked', 4], ['high-complexity', 16], ['code-checked', 16]]);
		expect(ok.findings.find((f) => f.ruleId === 'high-complexity')!.excerpt?.code).toMatch(/^def is_prime\(n: int\) -> bool:\n/);
		expect(ok.findings.filter((f) => f.ruleId === 'code-checked').map((f) => f.message)).toEqual([
			'Python: syntax checked, no error, 1 function (highest complexity 4).',
			'JavaScript: syntax checked, no error, 1 function (highest complexity 4).'
		]);
	});

	it('says TypeScript is not checked rather than guessing', async () => {
		const r = await analyser.analyseOutput!({ output: '```ts\nconst x: number = 1;\n```', model, config: { maxComplexity: 10, syntaxCheck: true, checkTimeoutMs: 2000 } });
		expect(r.findings).toEqual([
			{ ruleId: 'code-checked', severity: 'info', message: 'TypeScript: syntax not checked (no TypeScript compiler in production).', location: { line: 2 } }
		]);
	});
});

describe('the code block extractor’s report', () => {
	it('lists each block as a row with its line and its code to unfold, never as data', async () => {
		const r = await extractor.analyseOutput!({ output: chatAnswer, model, config: { language: 'python' } });
		expect(r.findings).toEqual([
			{ ruleId: 'code-block', severity: 'info', message: 'Python block, 7 lines', location: { line: 4 }, excerpt: { code: extractCodeBlocks(chatAnswer)[0]!.code, language: 'python' } },
			{ ruleId: 'code-block', severity: 'info', message: 'JavaScript block, 5 lines', location: { line: 16 }, excerpt: { code: extractCodeBlocks(chatAnswer)[1]!.code, language: 'javascript' } }
		]);
		expect(r).not.toHaveProperty('metrics');
	});
});
