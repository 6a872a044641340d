// The operator dashboard's figures, read from execution_history over a chosen window, per model:
// outcomes and success rate, cache hit rate, time to first token and latency percentiles, decoding
// speed, cost per run, and runs per day. Site admins only (the studio's operators).
import { z } from 'zod';
import type { SessionUser } from '../auth';
import { requireSiteAdmin } from '../auth';
import { prisma } from '../db';

export const DASHBOARD_WINDOWS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type DashboardWindow = keyof typeof DASHBOARD_WINDOWS;
export const dashboardWindowSchema = z.enum(Object.keys(DASHBOARD_WINDOWS) as [DashboardWindow, ...DashboardWindow[]]).catch('7d');

export interface Percentiles {
	p50: number | null;
	p95: number | null;
	p99: number | null;
}

export interface ModelFigures {
	model: string;
	runs: number;
	succeeded: number;
	failed: number;
	cancelled: number;
	/** Succeeded over finished runs, 0–1. */
	successRate: number | null;
	/** Hits over runs that looked in the cache (hit or miss), 0–1; null when none did. */
	cacheHitRate: number | null;
	/** Of succeeded runs, milliseconds. */
	timeToFirstTokenMs: Percentiles;
	latencyMs: Percentiles;
	/** Median decoding speed of succeeded runs of 2 tokens or more (tokens after the first per second after it). */
	tokensPerSecond: number | null;
	/** Mean estimated cost of a finished run (hits and stand-in runs count as 0), and the total. */
	costPerRunUsd: number | null;
	costUsd: number;
}

export interface DayFigures {
	/** UTC day, YYYY-MM-DD. */
	day: string;
	model: string;
	runs: number;
	succeeded: number;
}

export interface DashboardFigures {
	window: DashboardWindow;
	since: string;
	models: ModelFigures[];
	days: DayFigures[];
}

interface ModelRow {
	model: string;
	runs: number;
	succeeded: number;
	failed: number;
	cancelled: number;
	hits: number;
	looked: number;
	ttft: (number | null)[] | null;
	latency: (number | null)[] | null;
	tps: number | null;
	cost_avg: string | null;
	cost_sum: string | null;
}

const percentiles = (values: (number | null)[] | null): Percentiles => ({ p50: values?.[0] ?? null, p95: values?.[1] ?? null, p99: values?.[2] ?? null });
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The figures of finished runs since `now - window` (a run still going is counted once it ends). */
export async function dashboardFigures(admin: SessionUser | null, window: DashboardWindow, now = new Date()): Promise<DashboardFigures> {
	await requireSiteAdmin(admin);
	const since = new Date(now.getTime() - DASHBOARD_WINDOWS[window] * 24 * 3600 * 1000);
	const db = await prisma();
	const [rows, days] = await Promise.all([
		db.$queryRaw<ModelRow[]>`
			SELECT model_used AS model,
				count(*)::int AS runs,
				count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
				count(*) FILTER (WHERE status = 'failed')::int AS failed,
				count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
				count(*) FILTER (WHERE cache_outcome = 'hit')::int AS hits,
				count(*) FILTER (WHERE cache_outcome IN ('hit', 'miss'))::int AS looked,
				percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY time_to_first_token_ms)
					FILTER (WHERE status = 'succeeded' AND time_to_first_token_ms IS NOT NULL) AS ttft,
				percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY execution_time_ms)
					FILTER (WHERE status = 'succeeded' AND execution_time_ms IS NOT NULL) AS latency,
				percentile_cont(0.5) WITHIN GROUP (ORDER BY (completion_tokens - 1) * 1000.0 / (execution_time_ms - time_to_first_token_ms))
					FILTER (WHERE status = 'succeeded' AND completion_tokens >= 2 AND execution_time_ms > time_to_first_token_ms) AS tps,
				avg(coalesce(estimated_cost_usd, 0))::text AS cost_avg,
				sum(coalesce(estimated_cost_usd, 0))::text AS cost_sum
			FROM execution_history
			WHERE executed_at >= ${since} AND status <> 'running'
			GROUP BY model_used
			ORDER BY count(*) DESC, model_used`,
		db.$queryRaw<Array<{ day: string; model: string; runs: number; succeeded: number }>>`
			SELECT to_char(date_trunc('day', executed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, model_used AS model,
				count(*)::int AS runs, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded
			FROM execution_history
			WHERE executed_at >= ${since} AND status <> 'running'
			GROUP BY 1, 2
			ORDER BY 1, 2`
	]);
	return {
		window,
		since: since.toISOString(),
		models: rows.map((row) => ({
			model: row.model,
			runs: row.runs,
			succeeded: row.succeeded,
			failed: row.failed,
			cancelled: row.cancelled,
			successRate: ratio(row.succeeded, row.runs),
			cacheHitRate: ratio(row.hits, row.looked),
			timeToFirstTokenMs: percentiles(row.ttft),
			latencyMs: percentiles(row.latency),
			tokensPerSecond: row.tps,
			costPerRunUsd: row.cost_avg === null ? null : Number(row.cost_avg),
			costUsd: Number(row.cost_sum ?? 0)
		})),
		days
	};
}
