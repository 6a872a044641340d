// Where an evaluation may read its benchmark from: a file under EVALUATION_DATASETS_DIR (a path the
// user gives is taken under it, never outside), or an http(s) URL on one of
// EVALUATION_DATASET_HOSTS. Empty: HumanEval from the Hugging Face datasets server.
import { isAbsolute, relative, resolve } from 'node:path';
import { invalid } from '../errors';
import { HUMANEVAL_ROWS_URL } from './dataset';
import { evaluationSettings } from './settings';

export interface DatasetSource {
	/** A URL, or the file's absolute path. */
	location: string;
	/** What messages name it by: the URL, or the name as given (never the server's own path). */
	label: string;
}

export function resolveDatasetSource(given: string): DatasetSource {
	const source = given.trim() || HUMANEVAL_ROWS_URL;
	const { datasetHosts, datasetsDir } = evaluationSettings();
	if (/^[a-z][a-z0-9+.-]*:/i.test(source)) {
		let url: URL;
		try {
			url = new URL(source);
		} catch {
			throw invalid('That is not a URL.', 'dataset');
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('Give an http(s) URL or a file name.', 'dataset');
		if (!datasetHosts.includes(url.host.toLowerCase())) {
			throw invalid(`Benchmarks download only from ${datasetHosts.join(', ')} (EVALUATION_DATASET_HOSTS).`, 'dataset');
		}
		return { location: url.toString(), label: url.toString() };
	}
	const root = resolve(datasetsDir);
	const path = resolve(root, source);
	const inside = relative(root, path);
	if (!inside || inside.startsWith('..') || isAbsolute(inside)) throw invalid('Benchmark files are read from the datasets folder (EVALUATION_DATASETS_DIR) only: give a file name there.', 'dataset');
	return { location: path, label: source };
}
