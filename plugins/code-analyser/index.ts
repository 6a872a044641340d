// Analyses the code a model generated: each block's language, a syntax check (Python and
// JavaScript; TypeScript is reported "not checked"), and cyclomatic complexity per function.
import { z } from 'zod';
import { definePlugin, type Finding } from '$lib/plugins';
import { extractCodeBlocks } from '../code-block-extractor/extract';
import { checkJavaScript, checkPython, type SyntaxResult } from './syntax';
import { javascriptComplexity, pythonComplexity } from './complexity';
import type { Language } from '../code-block-extractor/extract';

const LANGUAGE_NAMES: Record<Language, string> = { python: 'Python', javascript: 'JavaScript', typescript: 'TypeScript', shell: 'Shell', unknown: 'Code' };

const configSchema = z.object({
	/** Functions above this complexity are reported (McCabe's classic threshold is 10). */
	maxComplexity: z.number().int().min(1).default(10),
	syntaxCheck: z.boolean().default(true),
	checkTimeoutMs: z.number().int().min(100).max(4_000).default(2_000)
});

export default definePlugin({
	manifest: {
		id: 'code-analyser',
		name: 'Code analyser',
		version: '1.0.0',
		description: 'Language of generated code, syntax check of Python and JavaScript, cyclomatic complexity per function.',
		hooks: ['analyseOutput'],
		configSchema,
		timeBudgetMs: 5_000
	},
	async analyseOutput({ output, config }) {
		const findings: Finding[] = [];
		for (const block of extractCodeBlocks(output).slice(0, 10)) {
			let syntax: SyntaxResult = { status: 'not checked', reason: 'the studio checks Python and JavaScript' };
			if (config.syntaxCheck && block.language === 'python') syntax = await checkPython(block.code, config.checkTimeoutMs);
			else if (config.syntaxCheck && block.language === 'javascript') syntax = await checkJavaScript(block.code, config.checkTimeoutMs);
			else if (block.language === 'typescript') syntax = { status: 'not checked', reason: 'no TypeScript compiler in production' };
			const language = LANGUAGE_NAMES[block.language];
			if (syntax.status === 'error') {
				const line = syntax.line === null ? undefined : block.line + syntax.line - 1;
				findings.push({
					ruleId: 'syntax-error',
					severity: 'error',
					message: `${language}: ${syntax.message}`,
					location: { line },
					excerpt: { code: around(block.code, syntax.line), language: block.language }
				});
			}
			const functions = block.language === 'python' ? pythonComplexity(block.code)
				: block.language === 'javascript' || block.language === 'typescript' ? javascriptComplexity(block.code) : [];
			for (const f of functions.filter((f) => f.complexity > config.maxComplexity))
				findings.push({
					ruleId: 'high-complexity',
					severity: 'warning',
					message: `${f.name} has cyclomatic complexity ${f.complexity} (over ${config.maxComplexity}).`,
					location: { line: block.line + f.line - 1 },
					excerpt: { code: around(block.code, f.line, 0, 6), language: block.language }
				});
			// What was looked at, so a clean block reads as checked rather than skipped.
			const checked = syntax.status === 'ok' ? 'syntax checked, no error' : syntax.status === 'not checked' ? `syntax not checked (${syntax.reason})` : 'syntax error';
			const counted = functions.length === 0 ? '' : `, ${functions.length} ${functions.length === 1 ? 'function' : 'functions'} (highest complexity ${Math.max(...functions.map((f) => f.complexity))})`;
			findings.push({ ruleId: 'code-checked', severity: 'info', message: `${language}: ${checked}${counted}.`, location: { line: block.line } });
		}
		return { findings };
	}
});

/** The lines of `code` around its 1-based line `line` (the whole start when unknown). */
function around(code: string, line: number | null, before = 2, after = 2): string {
	const lines = code.replace(/\n$/, '').split('\n');
	const at = line === null ? 1 : Math.min(Math.max(1, line), lines.length);
	return lines.slice(Math.max(0, at - 1 - before), at + after).join('\n');
}
