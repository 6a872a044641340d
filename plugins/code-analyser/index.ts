// Analyses the code a model generated: each block's language, a syntax check (Python and
// JavaScript; TypeScript is reported "not checked"), and cyclomatic complexity per function.
import { z } from 'zod';
import { definePlugin, type Finding, type Json } from '$lib/plugins';
import { extractCodeBlocks } from '../code-block-extractor/extract';
import { checkJavaScript, checkPython, type SyntaxResult } from './syntax';
import { javascriptComplexity, pythonComplexity } from './complexity';

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
		const blocks: Json[] = [];
		for (const block of extractCodeBlocks(output).slice(0, 10)) {
			let syntax: SyntaxResult = { status: 'not checked', reason: `no checker for ${block.language}` };
			if (config.syntaxCheck && block.language === 'python') syntax = await checkPython(block.code, config.checkTimeoutMs);
			else if (config.syntaxCheck && block.language === 'javascript') syntax = await checkJavaScript(block.code, config.checkTimeoutMs);
			else if (block.language === 'typescript') syntax = { status: 'not checked', reason: 'TypeScript is not checked (no compiler in production)' };
			if (syntax.status === 'error') {
				const line = syntax.line === null ? undefined : block.line + syntax.line - 1;
				findings.push({ ruleId: 'syntax-error', severity: 'error', message: `${block.language}: ${syntax.message}`, location: { line } });
			}
			const functions = block.language === 'python' ? pythonComplexity(block.code)
				: block.language === 'javascript' || block.language === 'typescript' ? javascriptComplexity(block.code) : [];
			for (const f of functions.filter((f) => f.complexity > config.maxComplexity))
				findings.push({ ruleId: 'high-complexity', severity: 'warning', message: `${f.name} has cyclomatic complexity ${f.complexity} (over ${config.maxComplexity}).`, location: { line: block.line + f.line - 1 } });
			blocks.push({ language: block.language, line: block.line, syntax: syntax as unknown as Json, functions: functions as unknown as Json });
		}
		return { findings, metrics: { blocks } };
	}
});
