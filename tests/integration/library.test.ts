// The public side of the community library: search (ranking, stemming, websearch syntax), tag and
// model filters, the four sorts, pages and totals, hidden and unpublished prompts staying out, the
// public page, stars under concurrency, abuse reports and their rate limit, site admins (the first
// account, granting and revoking), and the pages over HTTP signed out and signed in. Prompts are
// published through publishVersion, as the Publish tab does; each test uses words and tags of its
// own so that other tests' prompts never match.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { forkSchema, libraryQuerySchema, publishSchema } from '$lib/schemas/publishing';
import type { SessionUser } from '$lib/server/auth';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { RANK_WINDOW, searchLibrary, searchShape } from '$lib/server/publishing/library';
import { forkPublishedVersion } from '$lib/server/publishing/fork';
import { dismissReport, hidePrompt, openReports, reportAbuse, unhidePrompt } from '$lib/server/publishing/moderation';
import { publicPromptPage } from '$lib/server/publishing/public-page';
import { publishVersion, unpublish } from '$lib/server/publishing/publish';
import { starPrompt, unstarPrompt } from '$lib/server/publishing/stars';
import { redis } from '$lib/server/redis';
import { commitDraft } from '$lib/server/versions';
import type { Member } from '$lib/server/workspaces';
import type { DraftContent } from '$lib/prompt-doc';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma, testDatabaseUrl } from '../helpers/db';
import { FormClient, visibleText, signUpOverHttp } from '../helpers/form-client';
import { newUser, newWorkspace } from '../helpers/people';
import { refusal } from '../helpers/refusal';
import { TEST_PASSWORD, uniquePromptName, uniqueUsername } from '../helpers/unique';
import { sample, setDraft } from './versions-fixtures';

/** A lower-case word no other prompt contains (letters only, so the English stemmer leaves it whole). */
function word(prefix = 'zq'): string {
	const letters = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => String.fromCharCode(97 + (b % 26))).join('');
	return `${prefix}${letters}`.replace(/(s|ed|ing|ly|e|y)$/, 'x');
}

interface Published {
	id: string;
	slug: string;
	address: { workspaceSlug: string; promptSlug: string };
}

interface PublishOptions {
	title?: string;
	description?: string;
	tags?: string[];
	content?: Partial<DraftContent>;
	/** Models with a succeeded run of the version (the library's "models tried"). */
	models?: string[];
}

/** A workspace prompt with v1 committed, run on `models`, and published through publishVersion. */
async function publish(owner: Member, options: PublishOptions = {}): Promise<Published> {
	const { slug } = await createPrompt(owner, promptMetaSchema.parse({ name: uniquePromptName('Library') }));
	const id = (await getPrompt(owner, slug)).id;
	await setDraft(id, sample(options.content));
	await commitDraft(owner, slug, 'First version');
	const db = await prisma();
	const version = await db.promptVersion.findFirstOrThrow({ where: { promptId: id, versionNumber: 1 }, select: { id: true } });
	for (const model of options.models ?? []) {
		await db.executionHistory.create({
			data: {
				workspaceId: owner.workspace.id,
				promptId: id,
				versionId: version.id,
				userId: owner.user.id,
				runGroupId: randomUUID(),
				status: 'succeeded',
				modelUsed: model,
				finishedAt: new Date(),
				inputData: {},
				renderedPrompt: '',
				parameters: {},
				outputData: 'ok',
				success: true
			}
		});
	}
	const form = publishSchema.parse({
		versionNumber: '1',
		title: options.title ?? uniquePromptName('Published'),
		description: options.description ?? '',
		tags: (options.tags ?? []).join(',')
	});
	const result = await publishVersion(owner, slug, form);
	return { id, slug, address: { workspaceSlug: result.workspaceSlug, promptSlug: result.promptSlug } };
}

const search = (raw: Record<string, unknown>) => searchLibrary(libraryQuerySchema.parse(raw));
const slugs = (page: { cards: Array<{ promptSlug: string }> }) => page.cards.map((card) => card.promptSlug);

/**
 * Waits for the studio's Redis connection, as it is in a running studio: while it is still
 * connecting, the shared rate limiter counts in memory instead (rate-limit.ts), which would split
 * this test's count in two. Where Redis is configured and does not get ready, the test fails here
 * rather than counting on luck.
 */
async function redisReady(): Promise<void> {
	const client = redis();
	if (client) await vi.waitFor(() => expect(client.status, 'the Redis connection').toBe('ready'), { timeout: 10_000, interval: 50 });
}

async function siteAdmin(): Promise<SessionUser> {
	const user = await newUser('admin');
	await (await prisma()).user.update({ where: { id: user.id }, data: { isSiteAdmin: true } });
	return { ...user, isSiteAdmin: true };
}

describe('searching the library', () => {
	it('ranks a title match above a description match above a match in the text only', async () => {
		const { owner } = await newWorkspace('rank');
		const term = word();
		const inText = await publish(owner, { title: 'Plain reviewer', content: { systemPrompt: `You review code; mention ${term} once.` } });
		const inTitle = await publish(owner, { title: `The ${term} reviewer` });
		const inDescription = await publish(owner, { title: 'Another reviewer', description: `Works well for ${term} checks.` });
		const found = await search({ q: term });
		expect(found.total).toBe(3);
		expect(slugs(found)).toEqual([inTitle.slug, inDescription.slug, inText.slug]);
		expect(found.cards[0]!.title).toBe(`The ${term} reviewer`);
	});

	it('finds words by their stem, honours websearch syntax, and highlights the match in the excerpt', async () => {
		const { owner } = await newWorkspace('stem');
		const term = word();
		const tag = word('t');
		const refactoring = await publish(owner, { tags: [tag], content: { systemPrompt: `Start text. You are refactoring legacy handlers in ${term} modules.` } });
		const other = await publish(owner, { content: { systemPrompt: `You explain ${term} modules.` } });
		for (const q of [`refactored ${term}`, `refactors ${term}`, `"refactoring legacy" ${term}`]) {
			expect(slugs(await search({ q })), q).toEqual([refactoring.slug]);
		}
		expect(slugs(await search({ q: `${term} -refactor` }))).toEqual([other.slug]);
		expect(slugs(await search({ q: `${term} or nothingmatcheszz` }))).toHaveLength(2);
		const [card] = (await search({ q: `refactored ${term}` })).cards;
		// Matched words are wrapped in private-use marks (the page turns them into <mark>), never in HTML.
		expect(card!.excerpt).toContain('\uE000refactoring\uE001');
		expect(card!.excerpt).toContain(`\uE000${term}\uE001`);
		expect(card!.excerpt).not.toMatch(/<\/?b>/);
		// Without a query the excerpt is the start of the text.
		expect((await search({ tag })).cards[0]!.excerpt.startsWith('Start text. You are refactoring')).toBe(true);
	});

	it('filters by tag and by model, alone, together and with a query', async () => {
		const { owner } = await newWorkspace('filter');
		const tag = word('t');
		const term = word();
		const both = await publish(owner, { tags: [tag, 'python'], models: ['whiterabbitneo', 'codet5p'], content: { systemPrompt: term } });
		const codet5p = await publish(owner, { tags: [tag], models: ['codet5p'] });
		const untried = await publish(owner, { tags: [tag] });
		await publish(owner, { tags: [word('t')], models: ['codet5p'], content: { systemPrompt: term } });
		const bySlug = (page: Awaited<ReturnType<typeof search>>) => slugs(page).sort();
		expect(bySlug(await search({ tag }))).toEqual([both.slug, codet5p.slug, untried.slug].sort());
		expect(bySlug(await search({ tag, model: 'codet5p' }))).toEqual([both.slug, codet5p.slug].sort());
		expect(slugs(await search({ tag, model: 'whiterabbitneo' }))).toEqual([both.slug]);
		expect(slugs(await search({ tag, q: term }))).toEqual([both.slug]);
		const card = (await search({ tag, model: 'whiterabbitneo' })).cards[0]!;
		expect(card.tags.sort()).toEqual([tag, 'python'].sort());
		expect(card.models).toEqual(['codet5p', 'whiterabbitneo']);
		// A tag the schema refuses is ignored rather than failing: the listing stays usable.
		expect(libraryQuerySchema.parse({ tag: '<b>', model: 'gpt-9' })).toMatchObject({ tag: '', model: '' });
	});

	it('sorts by newest, most starred and trending (stars of the last 7 days first), and by relevance only with a query', async () => {
		const { owner } = await newWorkspace('sorts');
		const tag = word('t');
		const term = word();
		const content = { systemPrompt: `Sort ${term} prompts.` };
		const old = await publish(owner, { tags: [tag], content });
		const middle = await publish(owner, { tags: [tag], content });
		const newest = await publish(owner, { tags: [tag], content });
		const fans = await Promise.all([1, 2, 3].map(() => newUser('fan')));
		for (const fan of fans) await starPrompt(fan, old.address);
		await starPrompt(fans[0]!, middle.address);
		// The old prompt's three stars were given a month ago: they count for "most starred", not for trending.
		await (await prisma()).star.updateMany({ where: { promptId: old.id }, data: { createdAt: new Date(Date.now() - 30 * 86_400_000) } });

		expect(slugs(await search({ tag }))).toEqual([newest.slug, middle.slug, old.slug]);
		expect(slugs(await search({ tag, sort: 'newest' }))).toEqual([newest.slug, middle.slug, old.slug]);
		expect(slugs(await search({ tag, sort: 'stars' }))).toEqual([old.slug, middle.slug, newest.slug]);
		expect(slugs(await search({ tag, sort: 'trending' }))).toEqual([middle.slug, old.slug, newest.slug]);
		expect((await search({ tag, sort: 'stars' })).cards.map((c) => c.starCount)).toEqual([3, 1, 0]);
		// The same orders for a text query (its few matches are found through the full-text index, then sorted).
		expect(slugs(await search({ q: term, sort: 'newest' }))).toEqual([newest.slug, middle.slug, old.slug]);
		expect(slugs(await search({ q: term, sort: 'stars' }))).toEqual([old.slug, middle.slug, newest.slug]);
		expect(slugs(await search({ q: term, sort: 'trending' }))).toEqual([middle.slug, old.slug, newest.slug]);
		// Relevance without a query falls back to newest; with one it is the default.
		expect(libraryQuerySchema.parse({ sort: 'relevance' }).sort).toBe('newest');
		expect(libraryQuerySchema.parse({ q: 'x' }).sort).toBe('relevance');
	});

	it('pages through matches twenty at a time, with the total and the page count', async () => {
		const { owner } = await newWorkspace('pages');
		const tag = word('t');
		const published: string[] = [];
		for (let i = 0; i < 21; i++) published.push((await publish(owner, { tags: [tag] })).slug);
		const first = await search({ tag });
		const second = await search({ tag, page: 2 });
		const beyond = await search({ tag, page: 3 });
		expect([first.total, first.pageCount, first.totalIsEstimate, first.rankedAmong]).toEqual([21, 2, false, null]);
		expect(first.cards).toHaveLength(20);
		expect(second.cards).toHaveLength(1);
		expect(beyond.cards).toHaveLength(0);
		expect(beyond.total).toBe(21);
		expect(new Set([...slugs(first), ...slugs(second)])).toEqual(new Set(published));
		expect(slugs(second)).toEqual([published[0]]);
	});
});

describe('how a search is computed on a large library', () => {
	it('ranks every match up to 5,000, else the newest 1,000; sorts few matches found through the index, walks for many', () => {
		const library = 100_000;
		expect(searchShape({ count: 3, size: library }, 0)).toEqual({ window: false, broad: false, walk: false });
		expect(searchShape({ count: 944, size: library }, 0)).toMatchObject({ window: false, walk: false });
		expect(searchShape({ count: 5000, size: library }, 0)).toMatchObject({ window: false, broad: true, walk: true });
		expect(searchShape({ count: 5000, size: library }, 49 * 20)).toMatchObject({ walk: false });
		expect(searchShape({ count: 10_001, size: library }, 9980)).toEqual({ window: true, broad: true, walk: true });
		expect(RANK_WINDOW).toBe(1000);
	});
});

describe('hidden and unpublished prompts', () => {
	it('never appear in the library or on a public page, except to site admins while hidden', async () => {
		const { owner } = await newWorkspace('hidden');
		const term = word();
		const prompt = await publish(owner, { tags: [word('t')], content: { systemPrompt: `Watch ${term}.` } });
		const admin = await siteAdmin();
		const reader = await newUser('reader');
		expect(slugs(await search({ q: term }))).toEqual([prompt.slug]);

		await hidePrompt(admin, prompt.id, 'Spam');
		for (const sort of ['relevance', 'newest', 'stars', 'trending']) expect((await search({ q: term, sort })).total, sort).toBe(0);
		expect((await refusal(publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: null }))).status).toBe(404);
		expect((await refusal(publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: reader }))).status).toBe(404);
		expect((await refusal(starPrompt(reader, prompt.address))).status).toBe(404);
		const seen = await publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: admin });
		expect(seen.hidden).toMatchObject({ reason: 'Spam' });

		await unhidePrompt(admin, prompt.id);
		expect(slugs(await search({ q: term }))).toEqual([prompt.slug]);
		expect((await publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: null })).hidden).toBeNull();

		await unpublish(owner, prompt.slug);
		expect((await search({ q: term })).total).toBe(0);
		expect((await refusal(publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: admin }))).status).toBe(404);
	});

	it('shows an older live version when asked, and 404 for an unpublished one', async () => {
		const { owner } = await newWorkspace('versions');
		const prompt = await publish(owner, { title: 'First title' });
		await setDraft(prompt.id, sample({ systemPrompt: 'The second system prompt.', parameters: { modelType: 'codet5p', temperature: 0.3, maxTokens: 256, topP: 0.8, stop: ['END'] } }));
		await commitDraft(owner, prompt.slug, 'Second');
		await publishVersion(owner, prompt.slug, publishSchema.parse({ versionNumber: '2', title: 'Second title' }));
		const current = await publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: null });
		expect(current).toMatchObject({ title: 'Second title', currentVersion: 2, version: { number: 2, current: true, systemPrompt: 'The second system prompt.' } });
		expect(current.version.parameters).toEqual({ modelType: 'codet5p', temperature: 0.3, maxTokens: 256, topP: 0.8, seed: undefined, stop: ['END'] });
		expect(current.versions.map((v) => [v.number, v.title])).toEqual([[2, 'Second title'], [1, 'First title']]);
		const older = await publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: null, versionNumber: 1 });
		expect(older).toMatchObject({ title: 'First title', version: { number: 1, current: false } });
		await unpublish(owner, prompt.slug, 1);
		expect((await refusal(publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: null, versionNumber: 1 }))).status).toBe(404);
		expect((await refusal(publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: null, versionNumber: 3 }))).status).toBe(404);
	});
});

describe('stars', () => {
	it('count exactly when ten people star at once, when one person stars twice at once, and when all unstar', async () => {
		const { owner } = await newWorkspace('stars');
		const prompt = await publish(owner);
		const fans = await Promise.all(Array.from({ length: 10 }, () => newUser('fan')));
		const db = await prisma();
		const count = async () => (await db.prompt.findUniqueOrThrow({ where: { id: prompt.id }, select: { starCount: true } })).starCount;

		const states = await Promise.all(fans.map((fan) => starPrompt(fan, prompt.address)));
		expect(states.map((s) => s.starCount).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(await count()).toBe(10);
		await Promise.all([starPrompt(fans[0]!, prompt.address), starPrompt(fans[0]!, prompt.address), starPrompt(fans[1]!, prompt.address)]);
		expect(await count()).toBe(10);
		expect(await db.star.count({ where: { promptId: prompt.id } })).toBe(10);

		const page = await publicPromptPage(prompt.address.workspaceSlug, prompt.address.promptSlug, { viewer: fans[3]! });
		expect(page.viewer).toMatchObject({ signedIn: true, starred: true });
		expect(page.starCount).toBe(10);

		await Promise.all([...fans, fans[0]!].map((fan) => unstarPrompt(fan, prompt.address)));
		expect(await count()).toBe(0);
		expect(await unstarPrompt(fans[0]!, prompt.address)).toEqual({ starred: false, starCount: 0 });
		expect(await db.star.count({ where: { promptId: prompt.id } })).toBe(0);
	});
});

describe('abuse reports', () => {
	it('files a report once while it is open, and at most ten per person an hour', async () => {
		const { owner } = await newWorkspace('reports');
		const prompts = [];
		for (let i = 0; i < 11; i++) prompts.push(await publish(owner));
		const reporter = await newUser('reporter');
		await redisReady();
		const first = await reportAbuse(reporter, prompts[0]!.address, 'It asks the model to write malware.');
		expect(first.created).toBe(true);
		const again = await reportAbuse(reporter, prompts[0]!.address, 'Still malware, reporting again.');
		expect(again).toMatchObject({ created: false, message: expect.stringContaining('already reported') });
		const db = await prisma();
		expect(await db.abuseReport.count({ where: { reporterId: reporter.id } })).toBe(1);
		for (const prompt of prompts.slice(1, 10)) expect((await reportAbuse(reporter, prompt.address, 'A reason long enough.')).created).toBe(true);
		const limited = await refusal(reportAbuse(reporter, prompts[10]!.address, 'The eleventh report this hour.'));
		expect(limited.status).toBe(429);
		expect(limited.retryAfterSeconds).toBeGreaterThan(0);
		expect(await db.abuseReport.count({ where: { reporterId: reporter.id } })).toBe(10);
		// Someone else is not held back by that person's reports.
		expect((await reportAbuse(await newUser('other'), prompts[10]!.address, 'Another person reports it.')).created).toBe(true);
	});

	it('lets site admins list open reports, hide a prompt (resolving its reports) and dismiss one; nobody else', async () => {
		const { owner } = await newWorkspace('moderate');
		const [spam, fine] = [await publish(owner), await publish(owner)];
		const [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
		const admin = await siteAdmin();
		await reportAbuse(alice, spam.address, 'Spam links all over it.');
		await reportAbuse(bob, spam.address, 'Looks like spam to me.');
		await reportAbuse(alice, fine.address, 'I just do not like it.');
		const mine = (reports: Awaited<ReturnType<typeof openReports>>) => reports.filter((r) => r.prompt.id === spam.id || r.prompt.id === fine.id);
		const open = mine(await openReports(admin));
		expect(open.map((r) => [r.prompt.id, r.reporter, r.reason])).toEqual([
			[spam.id, alice.username, 'Spam links all over it.'],
			[spam.id, bob.username, 'Looks like spam to me.'],
			[fine.id, alice.username, 'I just do not like it.']
		]);
		expect(open[0]!.prompt.address).toEqual(spam.address);

		for (const work of [() => openReports(alice), () => hidePrompt(alice, spam.id, 'no'), () => dismissReport(bob, open[2]!.id), () => openReports(null)]) {
			expect((await refusal(work())).status).toBe(404);
		}
		expect((await hidePrompt(admin, spam.id, 'Spam')).message).toContain('2 open reports resolved');
		expect((await refusal(hidePrompt(admin, spam.id, 'Spam again'))).status).toBe(400);
		await dismissReport(admin, open[2]!.id);
		expect(mine(await openReports(admin))).toEqual([]);
		const hidden = await (await prisma()).prompt.findUniqueOrThrow({ where: { id: spam.id }, select: { hiddenAt: true, hiddenById: true, hiddenReason: true } });
		expect(hidden).toMatchObject({ hiddenById: admin.id, hiddenReason: 'Spam' });
		// A hidden prompt cannot be reported (nor seen) any more.
		expect((await refusal(reportAbuse(bob, spam.address, 'One more time, please.'))).status).toBe(404);
		// An admin stripped of the role is refused at once: the role is read from the database.
		await (await prisma()).user.update({ where: { id: admin.id }, data: { isSiteAdmin: false } });
		expect((await refusal(openReports(admin))).status).toBe(404);
	});
});

describe('over HTTP', () => {
	let app: AppServer;

	beforeAll(async () => {
		app = await startAppServer();
	}, 90_000);

	afterAll(async () => {
		await app?.stop();
	});

	const signedUp = (base: string) => signUpOverHttp(app.url, base);

	const meta = (html: string, key: string) => {
		const match = html.match(new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`));
		return match?.[1]?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
	};
	const title = (html: string) => html.match(/<title>([^<]*)<\/title>/)?.[1];

	it('lists, searches and filters the library signed out, with its title and Open Graph tags', async () => {
		const { owner } = await newWorkspace('http');
		const term = word();
		const tag = word('t');
		const prompt = await publish(owner, { title: `Audit ${term} code`, tags: [tag, 'c++'], description: 'Finds the bugs.', content: { systemPrompt: `Look for ${term} first.` } });
		const visitor = new FormClient(app.url);

		const library = await visitor.get('/library');
		expect(library.status).toBe(200);
		expect(title(library.html)).toBe('Community prompt library · CodeTuneStudio');
		expect(meta(library.html, 'og:type')).toBe('website');
		expect(meta(library.html, 'og:url')).toBe(`${app.url}/library`);

		const found = await visitor.get(`/library?${new URLSearchParams({ q: term })}`);
		expect(found.status).toBe(200);
		expect(title(found.html)).toBe(`“${term}” · Community prompt library · CodeTuneStudio`);
		expect(meta(found.html, 'og:title')).toBe(`“${term}” · Community prompt library · CodeTuneStudio`);
		expect(meta(found.html, 'og:url')).toBe(`${app.url}/library?q=${term}`);
		expect(found.html).toContain(`href="/library/${prompt.address.workspaceSlug}/${prompt.address.promptSlug}"`);
		expect(found.html).toMatch(new RegExp(`<mark[^>]*>${term}</mark>`));
		expect(visibleText(found.html)).toContain('1 prompt');
		// Tags link to their filter, encoded by URLSearchParams.
		expect(found.html).toContain(`href="/library?q=${term}&amp;tag=c%2B%2B"`);
		const filtered = await visitor.get(`/library?${new URLSearchParams({ tag })}`);
		expect(visibleText(filtered.html)).toContain(`Audit ${term} code`);
		expect(visibleText((await visitor.get(`/library?${new URLSearchParams({ q: word() })}`)).html)).toContain('No prompt matches');
	});

	it('renders a public page signed out with its title, description, Open Graph tags, versions and links', async () => {
		const { owner } = await newWorkspace('page');
		const prompt = await publish(owner, {
			title: 'SQL injection finder',
			description: 'Finds injection flaws in handlers.\nSecond line.',
			tags: ['security'],
			models: ['whiterabbitneo'],
			content: { systemPrompt: 'You find SQL injection.', userPromptTemplate: 'Check {{code}} in {{language}}' }
		});
		const path = `/library/${prompt.address.workspaceSlug}/${prompt.address.promptSlug}`;
		const visitor = new FormClient(app.url);
		const response = await visitor.get(path);
		expect(response.status).toBe(200);
		expect(title(response.html)).toBe('SQL injection finder · Community prompt library · CodeTuneStudio');
		expect(meta(response.html, 'description')).toBe('Finds injection flaws in handlers. Second line.');
		expect(meta(response.html, 'og:title')).toBe('SQL injection finder');
		expect(meta(response.html, 'og:description')).toBe('Finds injection flaws in handlers. Second line.');
		expect(meta(response.html, 'og:type')).toBe('article');
		expect(meta(response.html, 'og:url')).toBe(`${app.url}${path}`);
		expect(meta(response.html, 'twitter:card')).toBe('summary');
		const text = visibleText(response.html);
		for (const shown of ['You find SQL injection.', 'Check {{code}} in {{language}}', 'WhiteRabbitNeo-33B', 'v1 · SQL injection finder', 'Temperature']) expect(text).toContain(shown);
		expect(response.html).toContain(`href="${path}/fork?version=1"`);
		expect(response.html).toContain(`href="/signin?redirectTo=${encodeURIComponent(path)}"`);
		expect(response.html).toContain('href="/library?tag=security"');
		expect((await visitor.get(`${path}?version=7`)).status).toBe(404);
		expect((await visitor.get(`${path}?version=abc`)).status).toBe(404);
		expect((await visitor.get(`/library/${prompt.address.workspaceSlug}/no-such-prompt`)).status).toBe(404);
		// A signed-out visitor cannot star: the action sends them to sign in.
		const starred = await visitor.post(`${path}?/star`, {});
		expect([starred.status, starred.location]).toEqual([303, `/signin?redirectTo=${encodeURIComponent(`${path}?/star`)}`]);
	});

	it('links a published fork to its origin, and shows the origin’s fork count', async () => {
		const { owner } = await newWorkspace('origin');
		const origin = await publish(owner, { title: 'The original' });
		const forker = await newWorkspace('forker');
		const fork = await forkPublishedVersion(forker.owner.user, origin.address, forkSchema.parse({ workspace: forker.slug }));
		const published = await publishVersion(forker.owner, fork.promptSlug, publishSchema.parse({ versionNumber: '1', title: 'My variant' }));
		const originPath = `/library/${origin.address.workspaceSlug}/${origin.address.promptSlug}`;
		const visitor = new FormClient(app.url);
		const forkPage = await visitor.get(`/library/${published.workspaceSlug}/${published.promptSlug}`);
		expect(forkPage.html).toContain(`href="${originPath}"`);
		expect(visibleText(forkPage.html)).toContain('forked from The original v1');
		const originPage = await visitor.get(originPath);
		expect(visibleText(originPage.html)).toContain('Fork 1');
		expect(originPage.html).not.toContain('forked from');
	});

	it('lets a signed-in reader star, unstar and report by form, and shows it', async () => {
		const { owner } = await newWorkspace('forms');
		const prompt = await publish(owner, { title: 'Star me' });
		const path = `/library/${prompt.address.workspaceSlug}/${prompt.address.promptSlug}`;
		const reader = await signedUp('reader');
		const starred = await reader.client.post(`${path}?/star`, {});
		expect(starred.status).toBe(200);
		expect(visibleText(starred.html)).toContain('Starred (1).');
		expect(visibleText((await reader.client.get(path)).html)).toContain('Starred 1');
		expect(visibleText((await reader.client.post(`${path}?/unstar`, {})).html)).toContain('Star removed (0).');
		const short = await reader.client.post(`${path}?/report`, { reason: 'bad' });
		expect(short.status).toBe(400);
		expect(visibleText(short.html)).toContain('at least 10 characters');
		const reported = await reader.client.post(`${path}?/report`, { reason: 'It leaks a private key in the template.' });
		expect(visibleText(reported.html)).toContain('A site admin will look at your report.');
		expect(visibleText((await reader.client.get(path)).html)).toContain('You reported this prompt.');
		const rows = await (await prisma()).abuseReport.findMany({ where: { promptId: prompt.id }, select: { reporterId: true, reason: true } });
		expect(rows).toEqual([{ reporterId: reader.id, reason: 'It leaks a private key in the template.' }]);
		// The admin page and the moderation actions do not exist for a reader.
		expect((await reader.client.get('/admin/reports')).status).toBe(404);
		expect((await reader.client.post('/admin/reports?/hide', { promptId: prompt.id, reason: 'x' })).status).toBe(404);
		expect((await reader.client.post(`${path}?/hide`, { reason: 'x' })).status).toBe(404);
		expect((await new FormClient(app.url).get('/admin/reports')).status).toBe(404);
	});

	it('gives site admins the reports page: hide with a reason, unhide, dismiss, grant and revoke', async () => {
		const { owner } = await newWorkspace('adminpage');
		const prompt = await publish(owner, { title: 'Reported prompt' });
		const path = `/library/${prompt.address.workspaceSlug}/${prompt.address.promptSlug}`;
		const [admin, reader] = await Promise.all([signedUp('admin'), signedUp('reader')]);
		await (await prisma()).user.update({ where: { id: admin.id }, data: { isSiteAdmin: true } });
		await reader.client.post(`${path}?/report`, { reason: 'Reported for the admin page test.' });

		const page = await admin.client.get('/admin/reports');
		expect(page.status).toBe(200);
		expect(page.html).toContain(`href="${path}"`);
		expect(visibleText(page.html)).toContain('Reported for the admin page test.');
		expect(page.html).toContain('href="/admin/reports"');
		const hidden = await admin.client.post('/admin/reports?/hide', { promptId: prompt.id, reason: 'Breaks the rules' });
		expect(visibleText(hidden.html)).toContain('Hidden from the library (1 open report resolved).');
		expect((await new FormClient(app.url).get(path)).status).toBe(404);
		const banner = visibleText((await admin.client.get(path)).html);
		expect(banner).toContain('Hidden from the library');
		expect(banner).toContain('Breaks the rules');
		expect(visibleText((await admin.client.post('/admin/reports?/unhide', { promptId: prompt.id })).html)).toContain('Back in the library.');
		expect((await new FormClient(app.url).get(path)).status).toBe(200);

		expect((await reader.client.get('/admin/reports')).status).toBe(404);
		expect(visibleText((await admin.client.post('/admin/reports?/grant', { username: reader.username })).html)).toContain(`${reader.username} is now a site admin.`);
		expect((await reader.client.get('/admin/reports')).status).toBe(200);
		expect(visibleText((await admin.client.post('/admin/reports?/revoke', { username: reader.username })).html)).toContain('is no longer a site admin');
		expect((await reader.client.get('/admin/reports')).status).toBe(404);
		const unknown = await admin.client.post('/admin/reports?/grant', { username: uniqueUsername('nobody') });
		expect([unknown.status, visibleText(unknown.html).includes('There is no account named')]).toEqual([400, true]);
	});
});

describe('the first account', () => {
	it.runIf(hasPostgres())('becomes the only site admin of a fresh studio, even when two sign up at once; the last admin cannot be revoked', async () => {
		const admin = new URL(testDatabaseUrl()!);
		const name = `${admin.pathname.slice(1)}_first`;
		const control = new pg.Client({ connectionString: admin.toString() });
		await control.connect();
		await control.query(`create database "${name}"`);
		const url = new URL(admin);
		url.pathname = `/${name}`;
		let app: AppServer | undefined;
		try {
			app = await startAppServer({ DATABASE_URL: url.toString() });
			const people = [new FormClient(app.url), new FormClient(app.url)];
			const names = [uniqueUsername('first'), uniqueUsername('second')];
			const signups = await Promise.all(people.map((client, i) => client.post('/signup', { username: names[i]!, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })));
			expect(signups.map((r) => r.status)).toEqual([303, 303]);
			const statuses = await Promise.all(people.map(async (client) => (await client.get('/admin/reports')).status));
			expect([...statuses].sort()).toEqual([200, 404]);
			const adminIndex = statuses.indexOf(200);
			const [first, other] = [people[adminIndex]!, people[1 - adminIndex]!];
			expect((await first.get('/library')).html).toContain('href="/admin/reports"');
			expect((await other.get('/library')).html).not.toContain('href="/admin/reports"');
			const last = await first.post('/admin/reports?/revoke', { username: names[adminIndex]! });
			expect(last.status).toBe(400);
			expect(visibleText(last.html)).toContain('at least one site admin');
			// A later sign-up is an ordinary account.
			const third = new FormClient(app.url);
			await third.post('/signup', { username: uniqueUsername('third'), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
			expect((await third.get('/admin/reports')).status).toBe(404);
		} finally {
			await app?.stop();
			await control.query(`drop database if exists "${name}" with (force)`);
			await control.end();
		}
	}, 120_000);
});
