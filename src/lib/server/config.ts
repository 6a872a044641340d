// Every setting the server reads, validated once at start-up. A missing or malformed variable
// stops the studio with a message naming it; .env.example documents each one.
import { z } from 'zod';

const optionalUrl = (protocols: string[]) =>
	z
		.string()
		.trim()
		.optional()
		.transform((value) => (value ? value : undefined))
		.refine((value) => !value || protocols.some((p) => value.startsWith(p)), {
			message: `must start with ${protocols.join(' or ')}`
		});

const schema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
	DATA_DIR: z.string().trim().min(1).default('./data'),
	REDIS_URL: optionalUrl(['redis://', 'rediss://']),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Prefix for Redis keys, so several studios (or test runs) can share one Redis. */
	REDIS_PREFIX: z.string().trim().min(1).max(40).default('cts'),
	SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
	SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10000).default(20),
	SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
	/** Sign-up attempts allowed per client address within SIGNUP_WINDOW_SECONDS. */
	SIGNUP_MAX_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(10),
	SIGNUP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(7 * 86400).default(3600),
	/** What one account may create in an hour (creation-budget.ts): workspaces, prompts, live sessions. */
	CREATE_WORKSPACES_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
	CREATE_PROMPTS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(100),
	OPEN_SESSIONS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(60),
	/** How long a draft nobody edits stays in memory before it is compacted and unloaded. */
	DRAFT_UNLOAD_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
	/** Log rows appended before a draft's log is folded into its snapshot. */
	DRAFT_COMPACT_EVERY: z.coerce.number().int().min(1).max(100_000).default(200),
	/** How often an open socket reads its sign-in session again (expiry, a row deleted by hand, a missed event). */
	SESSION_CHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
	/** Model endpoints (a TGI server, Space or Inference Endpoint). Unset: that model is not configured. */
	WHITERABBITNEO_ENDPOINT_URL: optionalUrl(['http://', 'https://']),
	CODET5P_ENDPOINT_URL: optionalUrl(['http://', 'https://']),
	/** Sent as the bearer token to model endpoints (a Hugging Face token for a private Space or Endpoint). */
	HF_TOKEN: z
		.string()
		.trim()
		.optional()
		.transform((value) => (value ? value : undefined)),
	/** Seconds without any data from a model before its run fails as timed out. */
	GENERATION_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
	/** Seconds one model request may stream in all, however steadily tokens come (waking a sleeping model not counted). */
	GENERATION_MAX_RUN_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
	/** Delay before retrying a sleeping model (doubles each try, capped at 30 s), and tries in all: 25 wait
	 * about 11 minutes, what a Space that has slept needs to load a 33B model again. */
	MODEL_WAKE_INITIAL_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
	MODEL_WAKE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(25),
	/** How often an instance marks its running runs as alive (and sweeps runs whose instance stopped). */
	RUN_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
	/** A running run not marked alive for this long lost its instance: it ends as failed. */
	RUN_STALE_AFTER_MS: z.coerce.number().int().min(500).max(86_400_000).default(60_000),
	/** Run starts allowed per user per minute (each start runs one or both models). */
	RUNS_PER_MINUTE_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
	/** How long a cached model answer is served (the original plan: 24 h). */
	MODEL_CACHE_TTL_HOURS: z.coerce.number().min(0.01).max(24 * 365).default(24),
	/** Hourly price of the GPU that serves the models, for each run's cost estimate (an A100 Space). */
	MODEL_COST_PER_HOUR_USD: z.coerce.number().min(0).max(10_000).default(2.5),
	/** Prompt API requests allowed per token per minute (in Redis when configured). */
	API_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
	/** Local benchmark files an evaluation may read: paths are taken under this folder only. */
	EVALUATION_DATASETS_DIR: z.string().trim().min(1).default('./datasets'),
	/** Hosts an evaluation may download a benchmark from (comma-separated host[:port]): the site
	 * admin's decision, none by default (benchmarks then come from EVALUATION_DATASETS_DIR only). */
	EVALUATION_DATASET_HOSTS: z
		.string()
		.default('')
		.transform((value) => value.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean)),
	/** Per-sample limits of the evaluation sandbox (Python's heap, in MiB, at least 96 in effect). */
	EVALUATION_SAMPLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
	EVALUATION_SAMPLE_MEMORY_MB: z.coerce.number().int().min(32).max(4096).default(512),
	/** Interpreters (worker threads with CPython in WebAssembly) the evaluation sandbox keeps at most. */
	EVALUATION_SANDBOX_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
	/** When set, GET /metrics (Prometheus) is on and needs `Authorization: Bearer <this>`; unset, it answers 404. */
	METRICS_TOKEN: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(16, 'must be at least 16 characters').max(200).optional()),
	/** adapter-node's header for the public host (set by TRUST_PROXY=1 in server.js): the realtime
	 * transports trust it for a socket's Origin check only when it is configured. */
	HOST_HEADER: z
		.string()
		.trim()
		.toLowerCase()
		.optional()
		.transform((value) => (value ? value : undefined)),
	/** The in-process model that stands in for a model with no endpoint: a folder name under
	 * EMBEDDED_MODEL_DIR (the shipped one by default) or a Hugging Face Hub id (downloaded once into
	 * EMBEDDED_MODEL_CACHE_DIR). `off`: no stand-in; a model with no endpoint cannot run. */
	EMBEDDED_MODEL: z
		.string()
		.trim()
		.max(100)
		.regex(/^[\w.-]+(\/[\w.-]+)?$/, 'must be off, a folder name or a Hub id such as owner/name')
		.default('codetune-tiny-code'),
	EMBEDDED_MODEL_DIR: z.string().trim().min(1).default('./models'),
	/** Which of the model's ONNX files to load: onnx/model.onnx (fp32) or a quantised sibling (model_quantized.onnx for q8, model_q4.onnx…). */
	EMBEDDED_MODEL_DTYPE: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16']).default('fp32'),
	/** Where Hub downloads are kept; DATA_DIR/model-cache when unset. */
	EMBEDDED_MODEL_CACHE_DIR: z
		.string()
		.trim()
		.optional()
		.transform((value) => (value ? value : undefined)),
	/** Where Hub ids are downloaded from (the Hub itself, or a mirror). */
	EMBEDDED_MODEL_HUB_URL: optionalUrl(['http://', 'https://']).transform((value) => value ?? 'https://huggingface.co/')
});

export type Config = z.infer<typeof schema>;

export function parseConfig(env: Record<string, string | undefined>): Config {
	const parsed = schema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
		throw new Error(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
	}
	return parsed.data;
}

let cached: Config | undefined;

/** The studio's configuration, read from the environment the first time it is asked for. */
export function config(): Config {
	cached ??= parseConfig(process.env);
	return cached;
}
