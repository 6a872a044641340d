// The operator dashboard's figures from execution_history rows whose values are known: per-model
// outcomes, success and cache-hit rates, percentiles of time to first token and latency (as
// PostgreSQL's percentile_cont interpolates), median decoding speed, cost per run, runs per day;
// rows outside the window and runs still going are left out; only site admins may read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardFigures } from '$lib/server/dashboard';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { signUpOverHttp, visibleText } from '../helpers/form-client';
import { newUser, newWorkspace } from '../helpers/people';
import { refusal } from '../helpers/refusal';

const HOUR = 3600_000;

async function siteAdmin() {
	const user = await newUser('operator');
	await (await prisma()).user.update({ where: { id: user.id }, data: { isSiteAdmin: true } });
	return user;
}

describe('operator dashboard figures', () => {
	it('computes each model’s rates, percentiles, speed, cost and runs per day over the window', async () => {
		const { owner } = await newWorkspace('dash');
		// A model name of this test's own: the database holds other tests' runs too.
		const model = `dash-${Date.now().toString(36)}`;
		const now = new Date();
		const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
		const base = { workspaceId: owner.workspace.id, modelUsed: model, renderedPrompt: 'p' };
		const succeeded = [100, 200, 300, 400].map((ttft, i) => ({
			...base,
			status: 'succeeded' as const,
			success: true,
			executedAt: at(1 + i * 24),
			timeToFirstTokenMs: ttft,
			executionTimeMs: (i + 1) * 1000,
			completionTokens: 11,
			cacheOutcome: i < 2 ? ('hit' as const) : ('miss' as const),
			estimatedCostUsd: '0.010000'
		}));
		await (await prisma()).executionHistory.createMany({
			data: [
				...succeeded,
				{ ...base, status: 'failed', executedAt: at(2), executionTimeMs: 50, cacheOutcome: 'skip' },
				{ ...base, status: 'cancelled', executedAt: at(3), timeToFirstTokenMs: 5, executionTimeMs: 9000, completionTokens: 50 },
				// Still going: not counted until it ends.
				{ ...base, status: 'running', executedAt: at(1) },
				// Eight days ago: outside a 7-day window.
				{ ...base, status: 'succeeded', executedAt: at(8 * 24), timeToFirstTokenMs: 9999, executionTimeMs: 99999 }
			]
		});

		const figures = await dashboardFigures(await siteAdmin(), '7d', now);
		const mine = figures.models.find((m) => m.model === model)!;
		expect(mine).toMatchObject({ runs: 6, succeeded: 4, failed: 1, cancelled: 1, successRate: 4 / 6, cacheHitRate: 0.5 });
		// percentile_cont over 100, 200, 300, 400: 250, 385, 397.
		expect(mine.timeToFirstTokenMs.p50).toBeCloseTo(250);
		expect(mine.timeToFirstTokenMs.p95).toBeCloseTo(385);
		expect(mine.timeToFirstTokenMs.p99).toBeCloseTo(397);
		expect(mine.latencyMs.p50).toBeCloseTo(2500);
		// 10 tokens after the first over 900, 1800, 2700 and 3600 ms: the median of 11.1, 5.6, 3.7, 2.8 tokens/s.
		expect(mine.tokensPerSecond).toBeCloseTo((10 / 1.8 + 10 / 2.7) / 2, 5);
		expect(mine.costUsd).toBeCloseTo(0.04, 6);
		expect(mine.costPerRunUsd).toBeCloseTo(0.04 / 6, 6);
		const days = figures.days.filter((d) => d.model === model);
		expect(days.reduce((sum, d) => sum + d.runs, 0)).toBe(6);
		expect(days.reduce((sum, d) => sum + d.succeeded, 0)).toBe(4);
		expect(days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day))).toBe(true);

		// A 24-hour window keeps the runs of the last day only: the first success, the failure, the cancel.
		const day = (await dashboardFigures(await siteAdmin(), '24h', now)).models.find((m) => m.model === model)!;
		expect(day).toMatchObject({ runs: 3, succeeded: 1, failed: 1, cancelled: 1 });
	});

	it('is refused (as not found) to anyone but a site admin', async () => {
		expect((await refusal(dashboardFigures(await newUser('nosy'), '7d'))).status).toBe(404);
		expect((await refusal(dashboardFigures(null, '7d'))).status).toBe(404);
	});
});

describe('the dashboard page over HTTP', () => {
	let app: AppServer;
	beforeAll(async () => {
		app = await startAppServer();
	}, 90_000);
	afterAll(() => app?.stop());

	it('shows a site admin the per-model table for the chosen window; anyone else gets a 404', async () => {
		const admin = await signUpOverHttp(app.url, 'operator');
		await (await prisma()).user.update({ where: { id: admin.id }, data: { isSiteAdmin: true } });
		const { owner } = await newWorkspace('dashhttp');
		const model = `page-${Date.now().toString(36)}`;
		await (await prisma()).executionHistory.create({
			data: { workspaceId: owner.workspace.id, modelUsed: model, renderedPrompt: 'p', status: 'succeeded', success: true, timeToFirstTokenMs: 120, executionTimeMs: 900, completionTokens: 5 }
		});
		const page = await admin.client.get('/admin/dashboard?window=24h');
		expect(page.status).toBe(200);
		const text = visibleText(page.html);
		expect(text).toContain('Operator dashboard');
		expect(text).toContain('Last 24h');
		expect(text).toMatch(new RegExp(`${model} 1 0 failed · 0 cancelled 100 %`));
		// Durations in one unit each, as every page writes them (the studio's formatting module).
		expect(text).toContain('median 120 ms p95 120 ms p99 120 ms');
		expect(text).toContain('median 900 ms');
		expect(page.html).toContain('<title>Dashboard · Site admin · CodeTuneStudio</title>');
		// A window that is not offered falls back to the default.
		expect(visibleText((await admin.client.get('/admin/dashboard?window=1y')).html)).toContain('Per model, since');

		const reader = await signUpOverHttp(app.url, 'reader');
		expect((await reader.client.get('/admin/dashboard')).status).toBe(404);
	});
});
