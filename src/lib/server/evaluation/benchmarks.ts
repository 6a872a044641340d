// The benchmarks an evaluation may run over, as a list to choose from: HumanEval as the studio ships
// it (datasets/, first and the default), the JSONL files a site admin put in EVALUATION_DATASETS_DIR,
// and HumanEval from the Hugging Face datasets server where the admin allowed that host
// (EVALUATION_DATASET_HOSTS). A choice is taken only if it is on the list as read now: nobody names
// a path or a URL, so nothing outside these can be read.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { invalid } from '../errors';
import { logger } from '../logger';
import { HUMANEVAL_ROWS_URL } from './dataset';
import { allowedUrl } from './download';
import { evaluationSettings } from './settings';

/** What the form offers: the value it posts and what a person reads. */
export interface BenchmarkChoice {
	id: string;
	name: string;
}

export interface Benchmark extends BenchmarkChoice {
	/** A file's absolute path, or a URL on an allowed host. */
	location: string;
	/** What evaluations and messages call it (never the server's own path). */
	label: string;
	kind: 'humaneval' | 'custom';
}

/** The shipped copy, beside the shipped model: the studio runs from its own folder (`npm start`, the image's WORKDIR). */
export const SHIPPED_HUMANEVAL_PATH = resolve('datasets', 'HumanEval.jsonl.gz');
export const SHIPPED_HUMANEVAL_ID = 'humaneval';
const HUB_HUMANEVAL_ID = 'hub:humaneval';
const FILE_PREFIX = 'file:';
/** Benchmark files are JSONL, gzipped or not; their names stay short and plain. */
const BENCHMARK_FILE = /^[\w][\w .+-]{0,119}\.jsonl(\.gz)?$/i;
/** A datasets folder with more files lists the first of them by name. */
const MAX_FOLDER_FILES = 200;

const shipped: Benchmark = {
	id: SHIPPED_HUMANEVAL_ID,
	name: 'HumanEval (164 problems)',
	location: SHIPPED_HUMANEVAL_PATH,
	label: 'HumanEval',
	kind: 'humaneval'
};

const hub: Benchmark = {
	id: HUB_HUMANEVAL_ID,
	name: 'HumanEval, from Hugging Face',
	location: HUMANEVAL_ROWS_URL,
	label: 'HumanEval (Hugging Face datasets server)',
	kind: 'humaneval'
};

const realPathOrSelf = (path: string) => realpath(path).catch(() => path);

/** The benchmark files in the datasets folder, by name; none when it does not exist. */
async function folderBenchmarks(dir: string): Promise<Benchmark[]> {
	const root = resolve(dir);
	let names: string[];
	try {
		names = (await readdir(root)).filter((name) => BENCHMARK_FILE.test(name)).sort();
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ENOENT' && code !== 'ENOTDIR') logger.warn({ err: error, datasetsDir: root }, 'the datasets folder could not be listed');
		return [];
	}
	const shippedPath = await realPathOrSelf(SHIPPED_HUMANEVAL_PATH);
	const files: Benchmark[] = [];
	for (const name of names.slice(0, MAX_FOLDER_FILES)) {
		const location = join(root, name);
		// The shipped file is listed once, as itself, when the folder is the shipped one (the default).
		if ((await realPathOrSelf(location)) === shippedPath) continue;
		const isFile = await stat(location).then((s) => s.isFile(), () => false);
		if (!isFile) continue;
		files.push({ id: `${FILE_PREFIX}${name}`, name, location, label: name, kind: /humaneval/i.test(name) ? 'humaneval' : 'custom' });
	}
	return files;
}

/** Every benchmark this studio offers now, the shipped HumanEval first. */
export async function listBenchmarks(): Promise<Benchmark[]> {
	const { datasetsDir, datasetHosts } = evaluationSettings();
	const offered = [shipped, ...(await folderBenchmarks(datasetsDir))];
	if (allowedUrl(new URL(HUMANEVAL_ROWS_URL), datasetHosts)) offered.push(hub);
	return offered;
}

/** What the evaluation form offers (no server paths). */
export async function benchmarkChoices(): Promise<BenchmarkChoice[]> {
	return (await listBenchmarks()).map(({ id, name }) => ({ id, name }));
}

/** The benchmark a form chose; empty means the shipped HumanEval. Anything not offered is refused. */
export async function chosenBenchmark(id: string): Promise<Benchmark> {
	const wanted = id.trim() || SHIPPED_HUMANEVAL_ID;
	const found = (await listBenchmarks()).find((benchmark) => benchmark.id === wanted);
	if (!found) throw invalid('Choose one of the benchmarks offered.', 'dataset');
	return found;
}
