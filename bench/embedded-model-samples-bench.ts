// The stand-in's answers, printed verbatim (bench/embedded-model-samples.mjs): each prompt prepared
// as the studio prepares a run (prepareRequest: the starter's content, the model on the stand-in),
// then streamed greedily by the process's embedded model; its finish reason, token counts and time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DraftContent } from '$lib/prompt-doc';
import { prepareRequest } from '$lib/server/models/gateway';
import { embeddedModel, streamEmbedded } from '$lib/server/models/embedded';
import type { EndpointSettings } from '$lib/server/models/registry';
import { STARTER_PROMPTS } from '$lib/server/models/starters';

/** Short problems of different kinds: a loop with a condition, arithmetic, a filter, a builtin, a maximum. */
const HUMANEVAL_TASKS = ['HumanEval/0', 'HumanEval/2', 'HumanEval/7', 'HumanEval/23', 'HumanEval/35'];
const GENERATE_TASKS = ['def add(a, b):', 'reverse a string'];

const settings: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined, EMBEDDED_MODEL: 'codetune-tiny-code' };

function starter(key: string): DraftContent {
	const found = STARTER_PROMPTS.find((s) => s.key === key);
	if (!found) throw new Error(`no starter ${key}`);
	return { ...found.content, parameters: { ...found.content.parameters, temperature: 0 } };
}

export async function runBench({ root }: { root: string }): Promise<void> {
	const problems = new Map(
		gunzipSync(readFileSync(join(root, '..', 'shared', 'data', 'HumanEval.jsonl.gz')))
			.toString('utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as { task_id: string; prompt: string })
			.map((p) => [p.task_id, p.prompt])
	);
	const model = await embeddedModel();
	console.log(`model: ${model.id} from ${process.env.EMBEDDED_MODEL_DIR}`);
	const runs = [
		...HUMANEVAL_TASKS.map((id) => ({ name: id, content: starter('complete-function'), variables: { prompt: problems.get(id)! } })),
		...GENERATE_TASKS.map((task) => ({ name: `Generate code: ${task}`, content: starter('generate-code'), variables: { language: 'Python', task } }))
	];
	for (const run of runs) {
		const request = prepareRequest('codet5p', { content: run.content, variables: run.variables }, settings);
		if (request.prompt.format !== 'text') throw new Error('the stand-in takes text');
		const started = performance.now();
		let text = '';
		let done = '';
		for await (const event of streamEmbedded(model, { text: request.prompt.text, parameters: request.parameters })) {
			if (event.type === 'token') text += event.text;
			else done = `${event.finishReason}, ${event.usage?.promptTokens} + ${event.usage?.completionTokens} tokens`;
		}
		const ms = performance.now() - started;
		console.log(`\n===== ${run.name} (max_new_tokens ${request.parameters.max_new_tokens}; ${done}; ${Math.round(ms)} ms)`);
		console.log(text);
	}
}
