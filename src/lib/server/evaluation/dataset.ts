// Benchmarks an evaluation runs over: HumanEval's problems (task_id, prompt, entry_point,
// canonical_solution, test) read from a local JSONL file (gzipped or not) or a URL on a host a site
// admin allowed — a JSONL file, or the Hugging Face datasets server's rows API, paged (download.ts:
// streamed under a byte cap, redirects only to allowed hosts). Every problem is validated; a bad
// line is named by its number.
import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { DatasetError } from './dataset-error';
import { download } from './download';

export { DatasetError };

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
/** One page of the rows API (100 rows of at most ~90 kB each). */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;
const MAX_PROBLEMS = 5000;
const ROWS_PAGE = 100;

function gunzip(bytes: Buffer, source: string): Buffer {
	try {
		return gunzipSync(bytes, { maxOutputLength: MAX_BYTES });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new DatasetError(code === 'ERR_BUFFER_TOO_LARGE' ? `${source} unpacks to over ${MAX_BYTES / 1024 / 1024} MiB.` : `${source} is not a readable gzip file.`);
	}
}

/** One problem's first fault in a person's words: a missing field named as such. */
function fault(error: z.ZodError): string {
	const issue = error.issues[0]!;
	const field = issue.path.join('.') || 'the problem';
	if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `has no “${field}”`;
	return `“${field}”: ${issue.message}`;
}

function parseJsonl(bytes: Buffer, source: string): Problem[] {
	const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, source) : bytes).toString('utf8');
	const problems: Problem[] = [];
	text.split('\n').forEach((line, i) => {
		if (!line.trim()) return;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			throw new DatasetError(`${source} is malformed: line ${i + 1} is not JSON.`);
		}
		const problem = problemSchema.safeParse(value);
		if (!problem.success) throw new DatasetError(`${source} is malformed: line ${i + 1} ${fault(problem.error)}.`);
		problems.push(problem.data);
	});
	return problems;
}

/** The datasets server's rows API: `{ rows: [{ row: {...} }], num_rows_total }`, fetched page by page. */
async function fromRowsApi(url: URL, allowedHosts: string[]): Promise<Problem[]> {
	const rowsPage = z.object({ rows: z.array(z.object({ row: z.unknown() })), num_rows_total: z.number().int().min(0) });
	const problems: Problem[] = [];
	for (let offset = 0; ; offset += ROWS_PAGE) {
		const page = new URL(url);
		page.searchParams.set('offset', String(offset));
		page.searchParams.set('length', String(ROWS_PAGE));
		let body: unknown;
		try {
			body = JSON.parse((await download(page.toString(), { allowedHosts, maxBytes: MAX_PAGE_BYTES })).toString('utf8'));
		} catch (error) {
			if (error instanceof DatasetError) throw error;
			throw new DatasetError(`${url.host} did not answer JSON.`);
		}
		const parsed = rowsPage.safeParse(body);
		if (!parsed.success) throw new DatasetError(`${url.host} did not answer rows of a dataset.`);
		for (const [i, { row }] of parsed.data.rows.entries()) {
			const problem = problemSchema.safeParse(row);
			if (!problem.success) throw new DatasetError(`${url.host} answered a malformed benchmark: row ${offset + i} ${fault(problem.error)}.`);
			problems.push(problem.data);
		}
		if (parsed.data.rows.length === 0 || offset + ROWS_PAGE >= Math.min(parsed.data.num_rows_total, MAX_PROBLEMS)) return problems;
	}
}

/** A local file's bytes, refused past the cap before it is read. */
async function readLocal(path: string, label: string): Promise<Buffer> {
	const failed = (error: NodeJS.ErrnoException) =>
		new DatasetError(error.code === 'ENOENT' ? `${label} could not be read: its file is missing.` : `${label} could not be read (${error.code ?? 'unreadable'}).`, { cause: error });
	const file = await open(path).catch((error: NodeJS.ErrnoException) => {
		throw failed(error);
	});
	try {
		const { size } = await file.stat();
		if (size > MAX_BYTES) throw new DatasetError(`${label} is too large: over ${MAX_BYTES / 1024 / 1024} MiB.`);
		return await file.readFile();
	} catch (error) {
		if (error instanceof DatasetError) throw error;
		throw failed(error as NodeJS.ErrnoException);
	} finally {
		await file.close();
	}
}

/**
 * The problems at `source` (a file path or an http(s) URL on one of `allowedHosts`), at least one,
 * task ids unique. Messages name it `label` (a file by the name the user gave, not the server's path).
 */
export async function loadProblems(source: string, label = source, allowedHosts: string[] = []): Promise<Problem[]> {
	let problems: Problem[];
	if (/^https?:\/\//i.test(source)) {
		const url = new URL(source);
		if (url.pathname === '/rows') problems = await fromRowsApi(url, allowedHosts);
		else problems = parseJsonl(await download(source, { allowedHosts, maxBytes: MAX_BYTES }), label);
	} else {
		problems = parseJsonl(await readLocal(source, label), label);
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
