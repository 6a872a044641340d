// The evaluation form over HTTP, as a browser with JavaScript off posts it, on a studio whose site
// admin set a datasets folder: the benchmarks are offered as a list (the shipped HumanEval first and
// chosen), a choice that is not on it is refused, and a benchmark that cannot be used answers the
// form with what is wrong with it (400) — never the page that says the database is unreachable.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { signUpOverHttp, visibleText, type FormClient } from '../helpers/form-client';
import { uniqueWorkspaceName } from '../helpers/unique';

const datasets = mkdtempSync(join(tmpdir(), 'cts-datasets-form-'));
writeFileSync(join(datasets, 'broken.jsonl'), '{"task_id": "x"}\n');
writeFileSync(join(datasets, 'notes.txt'), 'not a benchmark');

let app: AppServer;
let owner: FormClient;
let evaluations: string;

beforeAll(async () => {
	app = await startAppServer({ EVALUATION_DATASETS_DIR: datasets, EVALUATION_DATASET_HOSTS: undefined });
	owner = (await signUpOverHttp(app.url, 'evalform')).client;
	const workspace = (await owner.post('/workspaces?/create', { name: uniqueWorkspaceName('Benchmarks') })).location!;
	const created = await owner.post(`${workspace}/prompts/new/starter`, { starter: 'complete-function' });
	expect(created.status).toBe(303);
	expect((await owner.post(`${created.location}/versions?/commit`, { message: 'HumanEval shape' })).status).toBe(200);
	evaluations = `${created.location}/evaluations`;
}, 120_000);

afterAll(async () => {
	await app?.stop();
	rmSync(datasets, { recursive: true, force: true });
});

const start = (dataset: string) => owner.post(`${evaluations}?/start`, { versionNumber: '1', model: 'whiterabbitneo', dataset, problemLimit: '1', samplesPerProblem: '1', temperature: '0' });

describe('choosing a benchmark', () => {
	it('offers the shipped HumanEval first and chosen, then the folder’s benchmark files; not other files, not the datasets server unless allowed', async () => {
		const page = await owner.get(evaluations);
		expect(page.status).toBe(200);
		const options = [...page.html.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]);
		expect(options.filter(([value]) => value === 'humaneval' || value!.startsWith('file:') || value!.startsWith('hub:'))).toEqual([
			['humaneval', 'HumanEval (164 problems)'],
			['file:broken.jsonl', 'broken.jsonl']
		]);
		expect(page.html).toMatch(/<option value="humaneval"[^>]*selected/);
	});

	it('refuses a choice that is not offered, on the form', async () => {
		for (const dataset of ['../../etc/passwd', 'file:../notes.txt', 'file:notes.txt', 'hub:humaneval', 'https://datasets-server.huggingface.co/rows']) {
			const refused = await start(dataset);
			expect(refused.status, dataset).toBe(400);
			expect(visibleText(refused.html)).toContain('Choose one of the benchmarks offered.');
		}
	});

	it('answers a malformed benchmark on the form with what is wrong, not with the outage page', async () => {
		const refused = await start('file:broken.jsonl');
		expect(refused.status).toBe(400);
		const text = visibleText(refused.html);
		expect(text).toContain('broken.jsonl is malformed: line 1 has no “prompt”.');
		expect(text).toContain('Start an evaluation');
		expect(text).not.toMatch(/database is unreachable/i);
	});
});
