// HumanEval's 164 problems as the studio ships them (datasets/HumanEval.jsonl.gz, MIT licence
// beside it), read with zlib as the evaluation reads a gzipped benchmark.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface HumanEvalProblem {
	task_id: string;
	prompt: string;
	entry_point: string;
	canonical_solution: string;
	test: string;
}

/** The shipped file: `<project>/datasets/HumanEval.jsonl.gz`. */
export const HUMANEVAL_PATH = join(resolve(import.meta.dirname, '../..'), 'datasets', 'HumanEval.jsonl.gz');

export function loadHumanEval(): HumanEvalProblem[] {
	return gunzipSync(readFileSync(HUMANEVAL_PATH))
		.toString('utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as HumanEvalProblem);
}
