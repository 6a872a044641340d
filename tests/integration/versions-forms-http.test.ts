// The version pages over HTTP, as a browser with JavaScript off uses them (and as the editor page's
// use:enhance posts to them). The studio runs in its own process, so this process never touches a
// draft (the studio holds the authoritative copy): a prompt's first draft is seeded from its fields,
// and an older version is put in place as a fixture row.
import { parse } from 'devalue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../helpers/db';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { FormClient, visibleText, signUpOverHttp } from '../helpers/form-client';
import { uniqueWorkspaceName } from '../helpers/unique';

let app: AppServer;

beforeAll(async () => {
	app = await startAppServer();
}, 90_000);

afterAll(async () => {
	await app?.stop();
});

const signedUp = (base: string) => signUpOverHttp(app.url, base);

const SEEDED = { systemPrompt: 'You review code for injection flaws.', userPromptTemplate: 'Review:\n{{code}}' };

/** Owner, author and reviewer (editors), viewer, outsider; a prompt whose first draft holds SEEDED. */
async function team() {
	const [owner, author, reviewer, viewer, outsider] = await Promise.all(['own', 'auth', 'rev', 'view', 'out'].map(signedUp));
	const created = await owner!.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Versions') });
	const ws = created.location!;
	for (const [person, role] of [[author, 'editor'], [reviewer, 'editor'], [viewer, 'viewer']] as const) {
		expect((await owner!.client.post(`${ws}/settings?/addMember`, { username: person!.username, role })).status).toBe(200);
	}
	const made = await author!.client.post(`${ws}/prompts/new`, { name: 'Injection review' });
	const path = made.location!;
	const db = await prisma();
	const prompt = await db.prompt.findFirstOrThrow({ where: { slug: path.split('/').at(-1)!, workspace: { slug: ws.split('/').at(-1)! } } });
	await db.prompt.update({ where: { id: prompt.id }, data: SEEDED });
	return { ws, path, promptId: prompt.id, owner: owner!, author: author!, reviewer: reviewer!, viewer: viewer!, outsider: outsider! };
}

function expectShown(response: { status: number; html: string }, status: number, text: string) {
	expect(response.status, visibleText(response.html).slice(0, 400)).toBe(status);
	expect(visibleText(response.html)).toContain(text);
}

/** An action's JSON answer to use:enhance; its data is devalue-encoded. */
function decode(body: string): { type: string; status: number; data: Record<string, unknown> } {
	const json = JSON.parse(body);
	return { ...json, data: json.data ? parse(json.data) : undefined };
}

describe('committing over HTTP', () => {
	it('commits the server’s copy of the draft, never fields the client posts', async () => {
		const t = await team();
		const first = await t.author.client.post(`${t.path}/versions?/commit`, { message: 'First cut', systemPrompt: 'HACKED', userPromptTemplate: 'HACKED' });
		expectShown(first, 200, 'Committed v1.');
		const page = visibleText((await t.viewer.client.get(`${t.path}/versions/1`)).html);
		expect(page).toContain(SEEDED.systemPrompt);
		expect(page).not.toContain('HACKED');
		const row = await (await prisma()).promptVersion.findFirstOrThrow({ where: { promptId: t.promptId } });
		expect([row.systemPrompt, row.userPromptTemplate, row.changeNotes, row.variables]).toEqual([SEEDED.systemPrompt, SEEDED.userPromptTemplate, 'First cut', ['code']]);
	});

	it('answers the editor’s enhanced post with the version, and refuses an unchanged draft, a blank message, viewers and outsiders', async () => {
		const t = await team();
		// As use:enhance posts: the same session cookie (FormClient keeps it private), asking for JSON.
		const post = (client: FormClient, fields: Record<string, string>) =>
			fetch(`${app.url}${t.path}/versions?/commit`, {
				method: 'POST',
				body: new URLSearchParams(fields),
				headers: { 'x-sveltekit-action': 'true', accept: 'application/json', origin: app.url, cookie: String(Reflect.get(client, 'cookie')) }
			}).then(async (r) => decode(await r.text()));
		expect(await post(t.author.client, { message: 'v1' })).toMatchObject({ type: 'success', status: 200, data: { success: true, message: 'Committed v1.', version: 1 } });
		expect(await post(t.reviewer.client, { message: 'again' })).toMatchObject({
			type: 'failure',
			status: 409,
			data: { message: 'Nothing changed since v1: there is nothing to commit.' }
		});
		expectShown(await t.author.client.post(`${t.path}/versions?/commit`, { message: '   ' }), 400, 'Describe what changed.');
		expect((await t.viewer.client.post(`${t.path}/versions?/commit`, { message: 'x' })).status).toBe(403);
		expect((await t.viewer.client.post(`${t.path}/versions?/restore`, { version: '1' })).status).toBe(403);
		expect((await t.outsider.client.post(`${t.path}/versions?/commit`, { message: 'x' })).status).toBe(404);
		expect((await t.outsider.client.get(`${t.path}/versions`)).status).toBe(404);
		expect((await new FormClient(app.url).get(`${t.path}/versions`)).location).toMatch(/^\/signin/);
	});
});

describe('history, diff and rollback pages', () => {
	/** v1 committed from the draft; v2 (a different system prompt) put in place as a fixture row. */
	async function twoVersions() {
		const t = await team();
		expect((await t.author.client.post(`${t.path}/versions?/commit`, { message: 'v1' })).status).toBe(200);
		const db = await prisma();
		const v1 = await db.promptVersion.findFirstOrThrow({ where: { promptId: t.promptId, versionNumber: 1 } });
		const { id: _id, createdAt: _at, ...copy } = v1;
		await db.promptVersion.create({
			data: {
				...copy,
				fewShotExamples: copy.fewShotExamples ?? [],
				parameters: copy.parameters ?? {},
				versionNumber: 2,
				parentVersionId: v1.id,
				systemPrompt: 'You review code for injection and XSS flaws.',
				contentHash: 'f'.repeat(64),
				changeNotes: 'Cover XSS too'
			}
		});
		return t;
	}

	it('lists versions, shows one, and diffs two versions side by side and inline', async () => {
		const t = await twoVersions();
		const list = visibleText((await t.viewer.client.get(`${t.path}/versions`)).html);
		expect(list).toMatch(/v2 .*Cover XSS too.* v1 /);
		const split = await t.viewer.client.get(`${t.path}/versions/diff?from=1&to=2`);
		expectShown(split, 200, 'Compare v1 → v2');
		expect(split.html).toContain('<ins');
		expect(visibleText(split.html)).toContain('and XSS');
		const inline = await t.viewer.client.get(`${t.path}/versions/diff?from=1&to=2&view=inline`);
		expect(visibleText(inline.html)).toMatch(/− You review code for injection flaws\. .*\+ You review code for injection and XSS flaws\./);
		expect((await t.viewer.client.get(`${t.path}/versions/9`)).status).toBe(404);
		expect((await t.viewer.client.get(`${t.path}/versions/diff?from=1&to=9`)).status).toBe(404);
		// A comparison that names no two versions says so in words, with the comparisons to open instead.
		const unchosen = await t.viewer.client.get(`${t.path}/versions/diff?from=x`);
		expectShown(unchosen, 400, 'Choose two versions to compare');
		expect(visibleText(unchosen.html)).not.toMatch(/\?from=|<version/);
		for (const href of [`${t.path}/versions/diff?from=2&amp;to=draft`, `${t.path}/versions/diff?from=1&amp;to=2`, `href="${t.path}/versions"`]) expect(unchosen.html).toContain(href);
		expect(visibleText(unchosen.html)).toContain('Compare v1 with v2');
	});

	it('restores a version into the live draft, and restores and commits it as “Restore vN”', async () => {
		const t = await twoVersions();
		expectShown(await t.author.client.post(`${t.path}/versions?/restore`, { version: '2' }), 200, 'Restored v2 into the draft.');
		const diff = visibleText((await t.viewer.client.get(`${t.path}/versions/diff?from=1&to=draft`)).html);
		expect(diff).toContain('Compare v1 → Live draft');
		expect(diff).toContain('and XSS');
		expect(visibleText((await t.viewer.client.get(`${t.path}/versions`)).html)).toContain('Restored from v2 and not committed since.');
		expectShown(await t.author.client.post(`${t.path}/versions?/restore`, { version: '1', commit: 'on' }), 200, 'Restored v1 and committed it as v3.');
		const v3 = await (await prisma()).promptVersion.findFirstOrThrow({ where: { promptId: t.promptId, versionNumber: 3 }, include: { restoredFrom: true } });
		expect([v3.changeNotes, v3.restoredFrom?.versionNumber, v3.systemPrompt]).toEqual(['Restore v1', 1, SEEDED.systemPrompt]);
		expect(await (await prisma()).promptVersion.count({ where: { promptId: t.promptId } })).toBe(3);
	});

	it('protects production from the pages: a direct move is refused, a merged review moves it', async () => {
		const t = await twoVersions();
		expect((await t.author.client.post(`${t.ws}/settings?/protectProduction`, { protectProduction: 'on' })).status).toBe(403);
		expectShown(await t.owner.client.post(`${t.ws}/settings?/protectProduction`, { protectProduction: 'on' }), 200, 'production is protected');
		const refused = await t.owner.client.post(`${t.path}/versions?/moveLabel`, { label: 'production', version: '2' });
		expectShown(refused, 403, 'production is protected: it moves only to a version approved in a review.');
		expectShown(await t.author.client.post(`${t.path}/versions?/moveLabel`, { label: 'staging', version: '2' }), 200, 'staging now points at v2.');

		const opened = await t.author.client.post(`${t.path}/reviews?/propose`, { version: '2', label: 'production', title: 'Cover XSS' });
		expect(opened.status).toBe(303);
		const review = opened.location!;
		expect(review).toMatch(new RegExp(`^${t.path}/reviews/[0-9a-f-]{36}$`));
		expectShown(await t.author.client.post(`${review}?/verdict`, { verdict: 'approve' }), 403, 'You cannot approve your own proposal');
		expectShown(await t.viewer.client.get(review), 200, 'Cover XSS');
		expect((await t.viewer.client.post(`${review}?/verdict`, { verdict: 'approve' })).status).toBe(403);
		expectShown(await t.reviewer.client.post(`${review}?/comment`, { body: 'Check the XSS wording.', field: 'system', side: 'new', line: '1' }), 200, 'Comment added.');
		expectShown(await t.reviewer.client.post(`${review}?/verdict`, { verdict: 'request_changes' }), 200, 'You requested changes.');
		expectShown(await t.author.client.post(`${review}?/merge`, {}), 409, 'Changes were requested');
		expectShown(await t.reviewer.client.post(`${review}?/verdict`, { verdict: 'approve' }), 200, 'It can merge now.');
		expectShown(await t.author.client.post(`${review}?/merge`, {}), 200, 'Merged: production now points at v2.');
		const page = visibleText((await t.viewer.client.get(review)).html);
		expect(page).toContain('Check the XSS wording.');
		expect(page).toContain('Merged');
		const history = visibleText((await t.viewer.client.get(`${t.path}/versions`)).html);
		expect(history).toMatch(/production new v2 by [^·]+· via review/);
		expect((await t.viewer.client.get(`${t.path}/reviews/not-a-review`)).status).toBe(404);
		expectShown(await t.viewer.client.get(`${t.path}/reviews`), 200, 'Cover XSS');
	});
});
