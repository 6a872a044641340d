// The studio's Prometheus metrics (prom-client), served at GET /metrics: every finished run feeds
// histograms and counters per model (time to first token, latency, tokens/s, outcomes, cache, cost),
// and each scrape reads the live figures (active runs, realtime connections, rooms) at that moment.
// One registry per process, kept in the runtime: dev may load this module more than once.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunView } from '$lib/realtime/session-events';
import { cacheOutcomeSchema, finishedRunStatusSchema, runOriginSchema, type RunOriginKind } from '$lib/schemas/runs';
import { slot } from '../runtime';

export interface LiveFigures {
	activeRuns: number;
	/** Open sockets per transport, and the rooms (drafts being edited, sessions being watched). */
	yjs: { connections: number; rooms: number } | null;
	hub: { connections: number; sessions: number } | null;
}

/** A label's values as the help text lists them: `(a|b|c)`. */
const values = (word: { options: readonly string[] }) => `(${word.options.join('|')})`;

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160];
const TOKENS_PER_SECOND = [1, 5, 10, 20, 40, 80, 160, 320, 640, 1280];

function build() {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'cts_' });
	const runLabels = ['model', 'status', 'origin', 'cache'] as const;
	let live: () => LiveFigures = () => ({ activeRuns: 0, yjs: null, hub: null });
	const metrics = {
		registry,
		runs: new Counter({ name: 'cts_runs_total', help: `Finished runs by model, status ${values(finishedRunStatusSchema)}, origin ${values(runOriginSchema)} and cache outcome ${values(cacheOutcomeSchema)}.`, labelNames: runLabels, registers: [registry] }),
		latency: new Histogram({ name: 'cts_run_duration_seconds', help: 'Run latency, start to end, by model, status, origin and cache outcome.', labelNames: runLabels, buckets: SECONDS, registers: [registry] }),
		timeToFirstToken: new Histogram({ name: 'cts_run_time_to_first_token_seconds', help: 'Time from a run starting to its first token, by model and cache outcome.', labelNames: ['model', 'cache'] as const, buckets: SECONDS, registers: [registry] }),
		tokensPerSecond: new Histogram({ name: 'cts_run_tokens_per_second', help: 'Completion tokens per second after the first token, per run (runs of 2 tokens or more), by model and cache outcome.', labelNames: ['model', 'cache'] as const, buckets: TOKENS_PER_SECOND, registers: [registry] }),
		completionTokens: new Counter({ name: 'cts_run_completion_tokens_total', help: 'Completion tokens generated, by model.', labelNames: ['model'] as const, registers: [registry] }),
		cost: new Counter({ name: 'cts_run_cost_usd_total', help: 'Estimated cost of runs in US dollars (GPU time; cache hits and stand-in runs cost 0), by model.', labelNames: ['model'] as const, registers: [registry] }),
		setLive(read: () => LiveFigures) {
			live = read;
		}
	};
	const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge<string>) => void) =>
		new Gauge({ name, help, labelNames, registers: [registry], collect() { collect(this); } });
	gauge('cts_active_runs', 'Runs going on in this instance now.', [], (g) => g.set(live().activeRuns));
	gauge('cts_realtime_connections', 'Open realtime sockets by transport (yjs: draft editors; socketio: generation sessions).', ['transport'], (g) => {
		const figures = live();
		g.set({ transport: 'yjs' }, figures.yjs?.connections ?? 0);
		g.set({ transport: 'socketio' }, figures.hub?.connections ?? 0);
	});
	gauge('cts_realtime_rooms', 'Live rooms by kind (draft: a prompt being edited; session: a generation session being watched).', ['kind'], (g) => {
		const figures = live();
		g.set({ kind: 'draft' }, figures.yjs?.rooms ?? 0);
		g.set({ kind: 'session' }, figures.hub?.sessions ?? 0);
	});
	return metrics;
}

const metrics = slot('metrics', build);

/** Where the scrape-time gauges read their figures (set once realtime and generation are up). */
export function readLiveFiguresFrom(read: () => LiveFigures): void {
	metrics().setLive(read);
}

/** Records one finished run (its final view) and its cost estimate. */
/** `origin` is where the run came from (execution_history.source), its `origin` label. */
export function observeRun(run: RunView, origin: RunOriginKind, costUsd: number): void {
	const m = metrics();
	const cache = run.cacheOutcome ?? 'skip';
	const status = run.status === 'waiting' || run.status === 'running' ? 'failed' : run.status;
	m.runs.inc({ model: run.model, status, origin, cache });
	if (run.latencyMs !== null) m.latency.observe({ model: run.model, status, origin, cache }, run.latencyMs / 1000);
	if (run.timeToFirstTokenMs !== null) m.timeToFirstToken.observe({ model: run.model, cache }, run.timeToFirstTokenMs / 1000);
	const tokens = run.completionTokens ?? 0;
	if (tokens > 0) m.completionTokens.inc({ model: run.model }, tokens);
	// Tokens after the first, over the time after the first: the decoding rate a viewer sees.
	if (tokens >= 2 && run.latencyMs !== null && run.timeToFirstTokenMs !== null && run.latencyMs > run.timeToFirstTokenMs) {
		m.tokensPerSecond.observe({ model: run.model, cache }, (tokens - 1) / ((run.latencyMs - run.timeToFirstTokenMs) / 1000));
	}
	if (costUsd > 0) m.cost.inc({ model: run.model }, costUsd);
}

/** The exposition text and its content type, for GET /metrics. */
export async function metricsExposition(): Promise<{ body: string; contentType: string }> {
	const { registry } = metrics();
	return { body: await registry.metrics(), contentType: registry.contentType };
}
