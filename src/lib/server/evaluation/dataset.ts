// Benchmarks an evaluation runs over: HumanEval's problems (task_id, prompt, entry_point,
// canonical_solution, test) read from a local JSONL file (gzipped or not) or a URL — a JSONL file,
// or the Hugging Face datasets server's rows API, paged. Every problem is validated; a bad line
// is named by its number.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

export const problemSchema = z.object({
	task_id: z.string().min(1).max(64),
	prompt: z.string().min(1).max(20_000),
	entry_point: z.string().regex(/^[A-Za-z_]\w*$/, 'entry_point must be a Python name').max(100),
	canonical_solution: z.string().max(20_000).default(''),
	test: z.string().min(1).max(50_000)
});
export type Problem = z.infer<typeof problemSchema>;

/** Where HumanEval is when no source is given: the datasets server's rows of openai/openai_humaneval. */
export const HUMANEVAL_ROWS_URL = 'https://datasets-server.huggingface.co/rows?dataset=openai%2Fopenai_humaneval&config=openai_humaneval&split=test';

const MAX_BYTES = 50 * 1024 * 1024;
const MAX_PROBLEMS = 5000;
const ROWS_PAGE = 100;

export class DatasetError extends Error {
	name = 'DatasetError';
}

function parseJsonl(bytes: Buffer, source: string): Problem[] {
	const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: MAX_BYTES }) : bytes).toString('utf8');
	const problems: Problem[] = [];
	text.split('\n').forEach((line, i) => {
		if (!line.trim()) return;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			throw new DatasetError(`${source}, line ${i + 1}: not JSON.`);
		}
		const problem = problemSchema.safeParse(value);
		if (!problem.success) throw new DatasetError(`${source}, line ${i + 1}: ${problem.error.issues[0]!.path.join('.')} ${problem.error.issues[0]!.message}`);
		problems.push(problem.data);
	});
	return problems;
}

async function fetchOk(url: string, signal?: AbortSignal): Promise<Response> {
	const response = await fetch(url, { signal: signal ?? AbortSignal.timeout(30_000) });
	if (!response.ok) throw new DatasetError(`${url} answered ${response.status}.`);
	return response;
}

/** The datasets server's rows API: `{ rows: [{ row: {...} }], num_rows_total }`, fetched page by page. */
async function fromRowsApi(url: URL): Promise<Problem[]> {
	const rowsPage = z.object({ rows: z.array(z.object({ row: z.unknown() })), num_rows_total: z.number().int().min(0) });
	const problems: Problem[] = [];
	for (let offset = 0; ; offset += ROWS_PAGE) {
		const page = new URL(url);
		page.searchParams.set('offset', String(offset));
		page.searchParams.set('length', String(ROWS_PAGE));
		const parsed = rowsPage.safeParse(await (await fetchOk(page.toString())).json());
		if (!parsed.success) throw new DatasetError(`${url.host} did not answer rows of a dataset.`);
		for (const [i, { row }] of parsed.data.rows.entries()) {
			const problem = problemSchema.safeParse(row);
			if (!problem.success) throw new DatasetError(`${url.host}, row ${offset + i}: ${problem.error.issues[0]!.path.join('.')} ${problem.error.issues[0]!.message}`);
			problems.push(problem.data);
		}
		if (parsed.data.rows.length === 0 || offset + ROWS_PAGE >= Math.min(parsed.data.num_rows_total, MAX_PROBLEMS)) return problems;
	}
}

/**
 * The problems at `source` (a file path or an http(s) URL), at least one, task ids unique. Messages
 * name it `label` (a file by the name the user gave, not the server's path).
 */
export async function loadProblems(source: string, label = source): Promise<Problem[]> {
	let problems: Problem[];
	if (/^https?:\/\//i.test(source)) {
		const url = new URL(source);
		if (url.pathname === '/rows') problems = await fromRowsApi(url);
		else {
			const bytes = Buffer.from(await (await fetchOk(source)).arrayBuffer());
			if (bytes.length > MAX_BYTES) throw new DatasetError(`${source} is over ${MAX_BYTES / 1024 / 1024} MiB.`);
			problems = parseJsonl(bytes, label);
		}
	} else {
		const bytes = await readFile(source).catch((error: NodeJS.ErrnoException) => {
			throw new DatasetError(`${label} could not be read (${error.code === 'ENOENT' ? 'no such file' : (error.code ?? 'unreadable')}).`);
		});
		problems = parseJsonl(bytes, label);
	}
	if (problems.length === 0) throw new DatasetError(`${label} holds no problem.`);
	if (problems.length > MAX_PROBLEMS) throw new DatasetError(`${label} holds over ${MAX_PROBLEMS} problems.`);
	const seen = new Set<string>();
	for (const problem of problems) {
		if (seen.has(problem.task_id)) throw new DatasetError(`${label}: task ${problem.task_id} appears twice.`);
		seen.add(problem.task_id);
	}
	return problems;
}
