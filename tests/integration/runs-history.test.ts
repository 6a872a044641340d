// The run history: what each member sees in the list and on a run's page, how a run is rated, and
// the cache figures of a workspace.
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { runFiltersSchema, RUNS_PAGE_SIZE, type RunFilters, type RunPage } from '$lib/schemas/runs';
import { lookupAnswer, storeAnswer } from '$lib/server/cache';
import { cacheFigures, getRun, listRuns, rateRun } from '$lib/server/generation';
import { deletePrompt } from '$lib/server/prompts';
import type { Member } from '$lib/server/workspaces';
import { prisma } from '../helpers/db';
import { refusal } from '../helpers/refusal';
import { addRun, runTeam, sessionOf, versionOf, type RunTeam } from './runs-fixtures';

const noFilters = runFiltersSchema.parse({});
const filters = (over: Partial<RunFilters>): RunFilters => ({ ...noFilters, ...over });

async function ids(member: Member, over: Partial<RunFilters> = {}, page: RunPage = {}): Promise<string[]> {
	return (await listRuns(member, filters(over), page)).runs.map((run) => run.id);
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe('run history list', () => {
	it('lists the workspace runs newest first, with the figures each row shows', async () => {
		const t = await runTeam('list');
		const v2 = await versionOf(t.shared.id, 2);
		const older = await addRun(t, { at: minutesAgo(5), versionId: v2 });
		const newer = await addRun(t, { at: minutesAgo(1), by: t.other, model: 'codet5p', cacheOutcome: 'hit' });
		const { runs } = await listRuns(t.viewer, noFilters);
		expect(runs.map((r) => r.id)).toEqual([newer, older]);
		expect(runs[0]).toMatchObject({ modelName: 'CodeT5+ 16B', startedBy: t.other.user.username, cacheOutcome: 'hit', costUsd: 0, versionNumber: null });
		expect(runs[1]).toMatchObject({
			prompt: { slug: t.shared.slug },
			versionNumber: 2,
			modelName: 'WhiteRabbitNeo-33B',
			status: 'succeeded',
			timeToFirstTokenMs: 120,
			latencyMs: 1500,
			totalTokens: 15,
			costUsd: 0.00125,
			rating: null
		});
	});

	it('narrows the list with each filter: prompt, model, status, cache outcome, user, session and days', async () => {
		const t = await runTeam('filters');
		const session = await sessionOf(t.author, t.shared.id);
		const base = await addRun(t, { at: new Date('2024-03-01T10:00:00Z') });
		const ofSecret = await addRun(t, { promptId: t.secret.id, at: new Date('2024-03-02T10:00:00Z') });
		const codet5p = await addRun(t, { model: 'codet5p', at: new Date('2024-03-03T10:00:00Z') });
		const failed = await addRun(t, { status: 'failed', at: new Date('2024-03-04T10:00:00Z') });
		const hit = await addRun(t, { cacheOutcome: 'hit', at: new Date('2024-03-05T10:00:00Z') });
		const skipped = await addRun(t, { cacheOutcome: 'skip', at: new Date('2024-03-05T23:59:59Z') });
		const byOther = await addRun(t, { by: t.other, at: new Date('2024-03-06T00:00:00Z') });
		const inSession = await addRun(t, { sessionId: session, at: new Date('2024-03-07T10:00:00Z') });
		const all = [inSession, byOther, skipped, hit, failed, codet5p, ofSecret, base];

		expect(await ids(t.owner)).toEqual(all);
		expect(await ids(t.owner, { prompt: t.secret.slug })).toEqual([ofSecret]);
		expect(await ids(t.owner, { prompt: t.shared.slug })).toEqual(all.filter((id) => id !== ofSecret));
		expect(await ids(t.owner, { model: 'codet5p' })).toEqual([codet5p]);
		expect(await ids(t.owner, { status: 'failed' })).toEqual([failed]);
		expect(await ids(t.owner, { cache: 'hit' })).toEqual([hit]);
		expect(await ids(t.owner, { cache: 'skip' })).toEqual([skipped]);
		expect(await ids(t.owner, { user: t.other.user.username.toUpperCase() })).toEqual([byOther]);
		expect(await ids(t.owner, { session })).toEqual([inSession]);
		// Days are UTC and both ends are included: the 5th runs to its last second, the 6th starts at midnight.
		expect(await ids(t.owner, { from: '2024-03-05', to: '2024-03-05' })).toEqual([skipped, hit]);
		expect(await ids(t.owner, { from: '2024-03-06' })).toEqual([inSession, byOther]);
		expect(await ids(t.owner, { to: '2024-03-01' })).toEqual([base]);
		// Filters combine.
		expect(await ids(t.owner, { prompt: t.shared.slug, status: 'succeeded', cache: 'miss', user: t.author.user.username, to: '2024-03-04' })).toEqual([codet5p, base]);
		expect(await ids(t.owner, { model: 'codet5p', status: 'failed' })).toEqual([]);
	});

	it(`pages ${RUNS_PAGE_SIZE} at a time, newest first, without repeating or skipping a run`, async () => {
		const t = await runTeam('pages');
		const at = new Date('2024-05-01T12:00:00Z');
		// Five runs share one start time (one group's rows are written in one statement): ties are kept in order by id.
		const made: string[] = [];
		for (let i = 0; i < RUNS_PAGE_SIZE + 7; i++) made.push(await addRun(t, { at: new Date(at.getTime() + Math.max(0, i - 4) * 1000) }));
		const first = await listRuns(t.owner, noFilters);
		expect(first.runs).toHaveLength(RUNS_PAGE_SIZE);
		expect(first.newer).toBeNull();
		expect(first.older).not.toBeNull();
		const second = await listRuns(t.owner, noFilters, { before: first.older! });
		expect(second.runs).toHaveLength(7);
		expect(second.older).toBeNull();
		const seen = [...first.runs, ...second.runs].map((r) => r.id);
		expect(new Set(seen).size).toBe(RUNS_PAGE_SIZE + 7);
		expect(seen.toSorted()).toEqual(made.toSorted());
		const starts = seen.map((id) => [...first.runs, ...second.runs].find((r) => r.id === id)!.startedAt);
		expect(starts).toEqual(starts.toSorted().reverse());
		// Back from the second page: the first page again, in the same order.
		const back = await listRuns(t.owner, noFilters, { after: second.newer! });
		expect(back.runs.map((r) => r.id)).toEqual(first.runs.map((r) => r.id));
		expect(back.newer).toBeNull();
		// A run started meanwhile does not shift the second page.
		await addRun(t);
		expect((await listRuns(t.owner, noFilters, { before: first.older! })).runs.map((r) => r.id)).toEqual(second.runs.map((r) => r.id));
	});

	it('hides runs of a private prompt from an editor who did not write it; its author and the owners see them', async () => {
		const t = await runTeam('private');
		const shared = await addRun(t, { at: minutesAgo(2) });
		const secret = await addRun(t, { promptId: t.secret.id, at: minutesAgo(1), by: t.owner });
		expect(await ids(t.other)).toEqual([shared]);
		expect(await ids(t.viewer)).toEqual([shared]);
		expect(await ids(t.other, { prompt: t.secret.slug })).toEqual([]);
		expect(await ids(t.author)).toEqual([secret, shared]);
		expect(await ids(t.owner)).toEqual([secret, shared]);
		expect((await refusal(getRun(t.other, secret))).status).toBe(404);
		expect((await getRun(t.author, secret)).prompt?.slug).toBe(t.secret.slug);
	});

	it('keeps the runs of a deleted prompt for owners only', async () => {
		const t = await runTeam('deleted');
		const kept = await addRun(t, { at: minutesAgo(2) });
		const orphan = await addRun(t, { at: minutesAgo(1) });
		await prisma().then((db) => db.executionHistory.update({ where: { id: kept }, data: { promptId: t.secret.id } }));
		await deletePrompt(t.author, t.shared.slug);
		expect(await ids(t.author)).toEqual([kept]);
		expect(await ids(t.other)).toEqual([]);
		expect(await ids(t.owner)).toEqual([orphan, kept]);
		const run = await getRun(t.owner, orphan);
		expect([run.prompt, run.versionNumber, run.output]).toEqual([null, null, 'hello']);
		expect((await refusal(getRun(t.author, orphan))).status).toBe(404);
	});
});

describe('a run re-opened', () => {
	it('shows everything the run recorded, its session and its side-by-side partner', async () => {
		const t = await runTeam('detail');
		const session = await sessionOf(t.author, t.shared.id, 'Tuning the greeting');
		const v1 = await versionOf(t.shared.id, 1);
		const groupId = randomUUID();
		const left = await addRun(t, { sessionId: session, versionId: v1, groupId, output: 'hello there', extra: { finishReason: 'eos_token', userFeedback: 4, userFeedbackText: 'Terse, as asked.' } });
		const right = await addRun(t, { sessionId: session, versionId: v1, groupId, model: 'codet5p', status: 'failed', extra: { errorMessage: 'The model answered 503.' } });
		const run = await getRun(t.viewer, left);
		expect(run).toMatchObject({
			id: left,
			groupId,
			source: 'studio',
			prompt: { slug: t.shared.slug },
			versionNumber: 1,
			renderedPrompt: '[system]\nYou are terse.\n\n[user]\nSay hello',
			variables: { word: 'hello' },
			parameters: { maxTokens: 64, temperature: 0 },
			output: 'hello there',
			error: null,
			finishReason: 'eos_token',
			timeToFirstTokenMs: 120,
			latencyMs: 1500,
			promptTokens: 12,
			completionTokens: 3,
			totalTokens: 15,
			costUsd: 0.00125,
			cacheMode: 'auto',
			cacheOutcome: 'miss',
			rating: 4,
			ratingComment: 'Terse, as asked.',
			session: { id: session, title: 'Tuning the greeting' },
			partners: [{ id: right, modelName: 'CodeT5+ 16B', status: 'failed' }]
		});
		const partner = await getRun(t.viewer, right);
		expect([partner.error, partner.partners.map((p) => p.id)]).toEqual(['The model answered 503.', [left]]);
	});

	it('says "live draft" by having no version, and a lone run has no partner', async () => {
		const t = await runTeam('draft');
		const run = await getRun(t.author, await addRun(t));
		expect([run.prompt?.slug, run.versionNumber, run.partners, run.session]).toEqual([t.shared.slug, null, [], null]);
	});

	it("is 404 for another workspace's run, an unknown id and a malformed one", async () => {
		const t = await runTeam('mine');
		const elsewhere = await runTeam('theirs');
		const theirs = await addRun(elsewhere);
		for (const id of [theirs, randomUUID(), 'not-a-run', '']) {
			const refused = await refusal(getRun(t.owner, id));
			expect([refused.status, refused.message]).toEqual([404, 'That run was not found.']);
		}
		expect((await refusal(rateRun(t.owner, theirs, { rating: 5 }))).status).toBe(404);
		expect(await ids(t.owner)).toEqual([]);
	});
});

describe('rating a run', () => {
	it('refuses 0, 6 and 2.5 stars and a comment over 2,000 characters, saying why', async () => {
		const t = await runTeam('rating');
		const id = await addRun(t);
		for (const rating of [0, 6, 2.5, '', 'five']) {
			const refused = await refusal(rateRun(t.author, id, { rating }));
			expect([refused.status, refused.field, refused.message], String(rating)).toEqual([400, 'rating', 'Choose 1 to 5 stars.']);
		}
		const long = await refusal(rateRun(t.author, id, { rating: 3, comment: 'x'.repeat(3000) }));
		expect([long.status, long.field, long.message]).toEqual([400, 'comment', 'Use at most 2,000 characters in the comment.']);
		expect((await getRun(t.author, id)).rating).toBeNull();
		expect(await rateRun(t.author, id, { rating: '5', comment: 'y'.repeat(2000) })).toEqual({ rating: 5, comment: 'y'.repeat(2000) });
	});

	it('refuses a run that is still going with 409', async () => {
		const t = await runTeam('running');
		const id = await addRun(t, { status: 'running' });
		const refused = await refusal(rateRun(t.author, id, { rating: 4 }));
		expect([refused.status, refused.message]).toEqual([409, 'This run is still going; rate it once it has finished.']);
		expect((await getRun(t.author, id)).rating).toBeNull();
	});

	it('lets a viewer rate, and keeps only the latest rating, whoever gave it', async () => {
		const t = await runTeam('viewer');
		const id = await addRun(t, { status: 'cancelled' });
		await rateRun(t.author, id, { rating: 2, comment: 'Too long.' });
		expect(await rateRun(t.viewer, id, { rating: 5, comment: '  Spot on.  ' })).toEqual({ rating: 5, comment: 'Spot on.' });
		const run = await getRun(t.owner, id);
		expect([run.rating, run.ratingComment]).toEqual([5, 'Spot on.']);
		await rateRun(t.other, id, { rating: 3 });
		expect([(await getRun(t.owner, id)).ratingComment, (await listRuns(t.owner, noFilters)).runs[0]!.rating]).toEqual([null, 3]);
	});

	it("refuses a run of a private prompt the member may not see, as if it did not exist", async () => {
		const t = await runTeam('hidden');
		const id = await addRun(t, { promptId: t.secret.id });
		expect((await refusal(rateRun(t.other, id, { rating: 4 }))).status).toBe(404);
	});
});

describe('cache figures', () => {
	it('counts hits, misses and skips of the workspace and computes the hit rate over hits and misses', async () => {
		const t = await runTeam('cache');
		const other = await runTeam('cacheother');
		for (const outcome of ['hit', 'hit', 'hit', 'miss', 'skip', 'skip'] as const) await addRun(t, { cacheOutcome: outcome });
		await addRun(t, { status: 'running' });
		await addRun(other, { cacheOutcome: 'hit' });
		const figures = await cacheFigures(t.viewer);
		expect([figures.hits, figures.misses, figures.skips, figures.hitRate]).toEqual([3, 1, 2, 0.75]);
	});

	it('gives a null hit rate, not NaN, when the cache was never asked', async () => {
		const t = await runTeam('cacheempty');
		expect(await cacheFigures(t.owner)).toMatchObject({ hits: 0, misses: 0, skips: 0, hitRate: null });
		await addRun(t, { cacheOutcome: 'skip' });
		expect(await cacheFigures(t.owner)).toMatchObject({ hits: 0, misses: 0, skips: 1, hitRate: null });
	});

	it('counts only the chosen days when given a range', async () => {
		const t = await runTeam('cacherange');
		await addRun(t, { cacheOutcome: 'hit', at: new Date('2024-04-01T08:00:00Z') });
		await addRun(t, { cacheOutcome: 'miss', at: new Date('2024-04-02T08:00:00Z') });
		await addRun(t, { cacheOutcome: 'miss', at: new Date('2024-04-03T08:00:00Z') });
		expect(await cacheFigures(t.owner, { from: '2024-04-02' })).toMatchObject({ hits: 0, misses: 2, hitRate: 0 });
		expect(await cacheFigures(t.owner, { to: '2024-04-02' })).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5 });
	});

	it("includes the shared table's live entries and the hits they served", async () => {
		const t = await runTeam('cachetable');
		const hash = (text: string) => createHash('sha256').update(text).digest('hex');
		const key = { modelName: 'codet5p', promptHash: hash(`history test ${randomUUID()}`), parametersHash: hash('{}') };
		await storeAnswer(key, { tokens: ['a', 'b'], finishReason: 'length', promptTokens: 3, completionTokens: 2 });
		expect(await lookupAnswer(key)).not.toBeNull();
		// The hit is counted beside the replay, not before it.
		await vi.waitFor(async () => {
			const { table } = await cacheFigures(t.owner);
			expect(table.entries).toBeGreaterThanOrEqual(1);
			expect(table.totalHits).toBeGreaterThanOrEqual(1);
		});
	});
});
