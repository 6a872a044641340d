// Extracts the code of an output (fenced blocks, or the bare code) and, for an evaluation sample,
// the program that would run: the HumanEval prompt completed by the model's answer.
import { z } from 'zod';
import { definePlugin, type Finding } from '$lib/plugins';
import { extractCodeBlocks, type CodeBlock, type Language } from './extract';

/** Blocks reported per output: an answer of hundreds of fences gets the first ones. */
const MAX_BLOCKS = 20;
const LANGUAGE_NAMES: Record<Language, string> = { python: 'Python', javascript: 'JavaScript', typescript: 'TypeScript', shell: 'Shell', unknown: 'Code' };
const lineCount = (code: string) => {
	const lines = code.replace(/\n$/, '').split('\n').length;
	return `${lines} ${lines === 1 ? 'line' : 'lines'}`;
};

const configSchema = z.object({ language: z.enum(['python', 'javascript', 'typescript', 'shell']).default('python') });

/**
 * HumanEval's prompt ends with a function's signature and docstring. A model that answers the body
 * only (indented lines, as in canonical_solution) completes the prompt; one that answers the whole
 * function is appended after it: the prompt keeps its imports and helpers, and the new definition
 * replaces the docstring-only stub (valid Python on its own).
 */
export function programFor(prompt: string, code: string, entryPoint: string): { code: string; mode: 'body' | 'function' } {
	if (new RegExp(`^def\\s+${entryPoint}\\s*\\(`, 'm').test(code)) return { code: `${prompt.replace(/\s*$/, '')}\n\n\n${code}`, mode: 'function' };
	// Indented already when its first non-blank line is: an answer often starts with a blank line.
	const body = /^(?:[ \t]*\n)*[ \t]+\S/.test(code) ? code : code.replace(/^(?=.)/gm, '    ');
	return { code: prompt + body, mode: 'body' };
}

function pick(blocks: CodeBlock[], language: string): CodeBlock | undefined {
	return blocks.find((b) => b.language === language) ?? blocks.find((b) => b.language === 'unknown');
}

export default definePlugin({
	manifest: {
		id: 'code-block-extractor',
		name: 'Code block extractor',
		version: '1.0.0',
		description: 'Extracts fenced code blocks (or the bare code) with their language; gives evaluations the program to run.',
		hooks: ['analyseOutput', 'scoreSample'],
		configSchema
	},
	analyseOutput({ output }) {
		// One row per block: where it starts and its code, folded under it.
		const findings: Finding[] = extractCodeBlocks(output).slice(0, MAX_BLOCKS).map((block) => ({
			ruleId: 'code-block',
			severity: 'info',
			message: `${LANGUAGE_NAMES[block.language]} ${block.fenced ? 'block' : 'code (no fence)'}, ${lineCount(block.code)}`,
			location: { line: block.line },
			excerpt: { code: block.code, ...(block.language === 'unknown' ? {} : { language: block.language }) }
		}));
		return { findings };
	},
	scoreSample({ output, problem, config }) {
		const block = pick(extractCodeBlocks(output), config.language);
		// An output with no recognisable code is still the model's answer: treat all of it as the body.
		const code = block?.code ?? (output.trim() ? output : '');
		const program = programFor(problem.prompt, code, problem.entryPoint);
		const notes = [block ? `${block.fenced ? 'fenced' : 'bare'} ${block.language} code from line ${block.line}` : 'no code block found; the whole output is used', `answer is a ${program.mode}`];
		return { code: program.code, notes };
	}
});
