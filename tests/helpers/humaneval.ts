// HumanEval's 164 problems as ../shared/data/ holds them beside the project (on every developer's
// machine and CI's), read with zlib as the evaluation reads a gzipped benchmark.
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

/** The shipped file: `<project>/../shared/data/HumanEval.jsonl.gz`. */
export const HUMANEVAL_PATH = join(resolve(import.meta.dirname, '../..'), '..', 'shared', 'data', 'HumanEval.jsonl.gz');

export function loadHumanEval(): HumanEvalProblem[] {
	return gunzipSync(readFileSync(HUMANEVAL_PATH))
		.toString('utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as HumanEvalProblem);
}
