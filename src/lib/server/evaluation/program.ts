// The program an evaluation sample runs: the model's answer made into the problem's solution by
// the built-in code-block extractor plugin (its scoreSample hook: the answer's code, completed into
// the problem's function), then the problem's test and `check(<entry point>)`. The extractor runs
// isolated like any plugin; if it fails, the whole answer follows the problem's prompt.
import { getPlugin, scoreSampleWith } from '../plugins';
import type { Problem } from './dataset';

const EXTRACTOR = 'code-block-extractor';

/** The solution code for `answer` (prompt and body, or the answer's whole function). */
export async function solutionFor(problem: Problem, answer: string): Promise<{ code: string; notes: string[] }> {
	const extractor = getPlugin(EXTRACTOR);
	if (extractor) {
		const [outcome] = await scoreSampleWith([{ plugin: extractor }], answer, { taskId: problem.task_id, prompt: problem.prompt, entryPoint: problem.entry_point });
		if (outcome?.status === 'ok') return { code: outcome.result.code, notes: outcome.result.notes };
		if (outcome) return { code: `${problem.prompt}${answer}`, notes: [`${EXTRACTOR} ${outcome.status}: ${outcome.message}; the whole answer follows the prompt`] };
	}
	return { code: `${problem.prompt}${answer}`, notes: [`${EXTRACTOR} is missing; the whole answer follows the prompt`] };
}

export async function programFor(problem: Problem, answer: string): Promise<string> {
	const { code } = await solutionFor(problem, answer);
	return `${code}\n\n${problem.test}\n\ncheck(${problem.entry_point})\n`;
}
