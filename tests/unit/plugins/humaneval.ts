// HumanEval problems from the shared data folder, read with zlib as the evaluation does.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface HumanEvalProblem { task_id: string; prompt: string; entry_point: string; canonical_solution: string; test: string }

export function loadHumanEval(): HumanEvalProblem[] {
	return gunzipSync(readFileSync('/work/shared/data/HumanEval.jsonl.gz')).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as HumanEvalProblem);
}
