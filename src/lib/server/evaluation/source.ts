// Where an evaluation may read its benchmark from: a file under EVALUATION_DATASETS_DIR (a path the
// user gives is taken under it, never outside), or an http(s) URL on one of EVALUATION_DATASET_HOSTS,
// which a site admin sets (none by default: then no URL at all). Empty: HumanEval from the Hugging
// Face datasets server where the admin allowed it, else HumanEval.jsonl.gz in the datasets folder.
import { isAbsolute, relative, resolve } from 'node:path';
import { invalid } from '../errors';
import { HUMANEVAL_ROWS_URL } from './dataset';
import { allowedUrl } from './download';
import { evaluationSettings } from './settings';

/** The file an empty benchmark field means when the datasets server is not allowed. */
export const DEFAULT_DATASET_FILE = 'HumanEval.jsonl.gz';

export interface DatasetSource {
	/** A URL, or the file's absolute path. */
	location: string;
	/** What messages name it by: the URL, or the name as given (never the server's own path). */
	label: string;
}

export function resolveDatasetSource(given: string): DatasetSource {
	const { datasetHosts, datasetsDir } = evaluationSettings();
	const source = given.trim() || (allowedUrl(new URL(HUMANEVAL_ROWS_URL), datasetHosts) ? HUMANEVAL_ROWS_URL : DEFAULT_DATASET_FILE);
	if (/^[a-z][a-z0-9+.-]*:/i.test(source)) {
		let url: URL;
		try {
			url = new URL(source);
		} catch {
			throw invalid('That is not a URL.', 'dataset');
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('Give an http(s) URL or a file name.', 'dataset');
		if (datasetHosts.length === 0) throw invalid('This studio does not download benchmarks (a site admin may allow hosts in EVALUATION_DATASET_HOSTS): give a file name from the datasets folder.', 'dataset');
		if (!allowedUrl(url, datasetHosts)) throw invalid(`Benchmarks download only from ${datasetHosts.join(', ')} (EVALUATION_DATASET_HOSTS).`, 'dataset');
		return { location: url.toString(), label: url.toString() };
	}
	const root = resolve(datasetsDir);
	const path = resolve(root, source);
	const inside = relative(root, path);
	if (!inside || inside.startsWith('..') || isAbsolute(inside)) throw invalid('Benchmark files are read from the datasets folder (EVALUATION_DATASETS_DIR) only: give a file name there.', 'dataset');
	return { location: path, label: source };
}
