// The program an evaluation sample runs: the model's answer turned into code (the first fenced
// block when there is one, else the whole answer), completed into the problem's function (when the
// answer is only the body, it follows the problem's prompt; when it defines the function itself, the
// prompt's imports go first), then the problem's test and `check(<entry point>)`.
import type { Problem } from './dataset';

const FENCE = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)```/g;

/** The code in a model's answer: the first Python (or unlabelled) fenced block, else the answer itself. */
export function codeOf(answer: string): string {
	const blocks = [...answer.matchAll(FENCE)].map((m) => ({ language: m[1]!.toLowerCase(), code: m[2]! }));
	const python = blocks.find((b) => b.language === 'python' || b.language === 'py') ?? blocks.find((b) => b.language === '');
	return python ? python.code : answer;
}

const importsOf = (prompt: string) =>
	prompt
		.split('\n')
		.filter((line) => /^(import|from)\s+\S+/.test(line))
		.join('\n');

export function programFor(problem: Problem, answer: string): string {
	const code = codeOf(answer);
	const definesFunction = new RegExp(`^def\\s+${problem.entry_point}\\s*\\(`, 'm').test(code);
	const solution = definesFunction ? `${importsOf(problem.prompt)}\n\n${code}` : `${problem.prompt}${code}`;
	return `${solution}\n\n${problem.test}\n\ncheck(${problem.entry_point})\n`;
}
