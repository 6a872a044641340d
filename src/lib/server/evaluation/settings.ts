// How evaluations behave, read from the configuration once; tests may set their own.
import { config } from '../config';
import { slot } from '../runtime';

export interface EvaluationSettings {
	/** Local benchmark files are read from under this folder only. */
	datasetsDir: string;
	/** Hosts a benchmark may be downloaded from (host[:port], lower case). */
	datasetHosts: string[];
	sampleTimeoutMs: number;
	sampleMemoryBytes: number;
	/** Interpreters the sandbox keeps at most (each a worker thread, up to its memory limit and ~200 MiB more). */
	sandboxWorkers: number;
}

const settings = slot('evaluation.settings', (): EvaluationSettings => {
	const c = config();
	return {
		datasetsDir: c.EVALUATION_DATASETS_DIR,
		datasetHosts: c.EVALUATION_DATASET_HOSTS,
		sampleTimeoutMs: c.EVALUATION_SAMPLE_TIMEOUT_MS,
		sampleMemoryBytes: c.EVALUATION_SAMPLE_MEMORY_MB * 1024 * 1024,
		sandboxWorkers: c.EVALUATION_SANDBOX_WORKERS
	};
});

export function evaluationSettings(): EvaluationSettings {
	return settings();
}

/** Overrides some settings (tests); the rest stay as configured. */
export function configureEvaluation(overrides: Partial<EvaluationSettings>): void {
	settings.set({ ...evaluationSettings(), ...overrides });
}
