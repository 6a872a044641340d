// How evaluations behave, read from the configuration once; tests may set their own.
import { config } from '../config';

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

const SETTINGS = Symbol.for('codetunestudio.evaluationSettings');
const globals = globalThis as Record<symbol, EvaluationSettings | undefined>;

export function evaluationSettings(): EvaluationSettings {
	const c = config();
	globals[SETTINGS] ??= {
		datasetsDir: c.EVALUATION_DATASETS_DIR,
		datasetHosts: c.EVALUATION_DATASET_HOSTS,
		sampleTimeoutMs: c.EVALUATION_SAMPLE_TIMEOUT_MS,
		sampleMemoryBytes: c.EVALUATION_SAMPLE_MEMORY_MB * 1024 * 1024,
		sandboxWorkers: c.EVALUATION_SANDBOX_WORKERS
	};
	return globals[SETTINGS];
}

/** Overrides some settings (tests); the rest stay as configured. */
export function configureEvaluation(overrides: Partial<EvaluationSettings>): void {
	globals[SETTINGS] = { ...evaluationSettings(), ...overrides };
}
