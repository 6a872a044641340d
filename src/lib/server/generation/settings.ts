// How runs behave, read from the configuration once; tests and benchmarks may set their own.
import { config } from '../config';
import type { EndpointSettings } from '../models';
import { slot } from '../runtime';

export interface GenerationSettings {
	endpoints: EndpointSettings;
	idleTimeoutMs: number;
	/** Longest one model request may stream, however steadily (a model dripping tokens forever). */
	maxRunMs: number;
	wakeInitialDelayMs: number;
	wakeMaxDelayMs: number;
	wakeMaxAttempts: number;
	runsPerMinutePerUser: number;
	costPerHourUsd: number;
	/** Tokens buffered before the token log is written (it is also written every flushIntervalMs). */
	flushEveryTokens: number;
	flushIntervalMs: number;
}

function fromConfig(): GenerationSettings {
	const c = config();
	return {
		endpoints: {
			WHITERABBITNEO_ENDPOINT_URL: c.WHITERABBITNEO_ENDPOINT_URL,
			CODET5P_ENDPOINT_URL: c.CODET5P_ENDPOINT_URL,
			HF_TOKEN: c.HF_TOKEN,
			EMBEDDED_MODEL: c.EMBEDDED_MODEL
		},
		idleTimeoutMs: c.GENERATION_IDLE_TIMEOUT_SECONDS * 1000,
		maxRunMs: c.GENERATION_MAX_RUN_SECONDS * 1000,
		wakeInitialDelayMs: c.MODEL_WAKE_INITIAL_DELAY_MS,
		wakeMaxDelayMs: 30_000,
		wakeMaxAttempts: c.MODEL_WAKE_MAX_ATTEMPTS,
		runsPerMinutePerUser: c.RUNS_PER_MINUTE_PER_USER,
		costPerHourUsd: c.MODEL_COST_PER_HOUR_USD,
		flushEveryTokens: 64,
		flushIntervalMs: 50
	};
}

const settings = slot('generation.settings', fromConfig);

export function generationSettings(): GenerationSettings {
	return settings();
}

/** Overrides some settings (tests, benchmarks); the rest stay as configured. */
export function configureGeneration(overrides: Partial<GenerationSettings>): void {
	settings.set({ ...generationSettings(), ...overrides });
}
