// Publishing to the community library (the write side): who may publish and unpublish, which runs
// may become sample outputs, what the library's row holds (and never holds), the visibility rule,
// forking a published version into a workspace, and the Publish and Fork pages over HTTP.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { forkSchema, libraryQuerySchema, publishSchema } from '$lib/schemas/publishing';
import { addMember, type Member } from '$lib/server/workspaces';
import { commitDraft, getVersion } from '$lib/server/versions';
import { createPrompt, getPrompt, updatePromptMeta } from '$lib/server/prompts';
import { forkOrigin, forkPublishedVersion } from '$lib/server/publishing/fork';
import { publishingOverview } from '$lib/server/publishing/overview';
import { publishVersion, unpublish } from '$lib/server/publishing/publish';
import { publicPromptPage, searchLibrary } from '$lib/server/publishing';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { FormClient, visibleText, signUpOverHttp } from '../helpers/form-client';
import { memberOf, newUser, newWorkspace } from '../helpers/people';
import { refusal } from '../helpers/refusal';
import { uniquePromptName, uniqueWorkspaceName } from '../helpers/unique';
import { readDraftContent, sample, setDraft, versionTeam } from './versions-fixtures';

const SECRET_URL = 'https://secret-endpoint.example.test/v1';
const SECRET_TOKEN = 'hf_SECRETtoken123';

const V2 = {
	systemPrompt: 'You are a meticulous reviewer.',
	userPromptTemplate: 'Review {{code}} for {{risk}}',
	parameters: { modelType: 'codet5p', temperature: 0.4, maxTokens: 512, topP: 0.9, stop: ['###'] }
};

/** A team whose prompt has v1 and v2 committed (v2: a different system prompt, a second variable). */
async function publishingTeam() {
	const t = await versionTeam('publishing');
	await setDraft(t.promptId, sample());
	await commitDraft(t.author, t.prompt, 'First cut');
	await setDraft(t.promptId, sample(V2));
	await commitDraft(t.author, t.prompt, 'Name the risk');
	const db = await prisma();
	const ids = await db.promptVersion.findMany({ where: { promptId: t.promptId }, select: { id: true, versionNumber: true } });
	const versionId = (n: number) => ids.find((v) => v.versionNumber === n)!.id;
	return { ...t, versionId };
}

interface RunFixture {
	by: Member;
	promptId: string;
	versionId: string | null;
	status?: 'succeeded' | 'failed' | 'cancelled' | 'running';
	model?: string;
	output?: string;
	standIn?: string | null;
	variables?: Record<string, string>;
}

/** One execution_history row as a finished run leaves it, with an endpoint and a token in its parameters. */
async function addRun(run: RunFixture): Promise<string> {
	const status = run.status ?? 'succeeded';
	const row = await (await prisma()).executionHistory.create({
		data: {
			workspaceId: run.by.workspace.id,
			promptId: run.promptId,
			versionId: run.versionId,
			userId: run.by.user.id,
			runGroupId: randomUUID(),
			status,
			modelUsed: run.model ?? 'whiterabbitneo',
			standInModel: run.standIn ?? null,
			finishedAt: status === 'running' ? null : new Date(),
			inputData: run.variables ?? { code: 'eval(input())', language: 'python' },
			renderedPrompt: `[system] endpoint ${SECRET_URL}`,
			parameters: { endpoint: SECRET_URL, token: SECRET_TOKEN, temperature: 0.2 },
			outputData: status === 'running' ? null : (run.output ?? 'Never eval user input.'),
			success: status === 'running' ? null : status === 'succeeded'
		},
		select: { id: true }
	});
	return row.id;
}

const form = (over: Record<string, unknown> = {}) => publishSchema.parse({ versionNumber: '1', title: 'Injection review', description: 'Finds injection flaws.', tags: 'security, Python', ...over });

describe('publishing a version', () => {
	it('lets an editor publish: the library row holds the title, tags, text, variables and models tried', async () => {
		const t = await publishingTeam();
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'whiterabbitneo' });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'codet5p' });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'codet5p' });
		const result = await publishVersion(t.author, t.prompt, form());
		expect(result).toMatchObject({ versionNumber: 1, liveVersion: 1, workspaceSlug: t.ws, promptSlug: t.prompt, republished: false });
		const db = await prisma();
		const row = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		expect(row).toMatchObject({
			workspaceSlug: t.ws,
			promptSlug: t.prompt,
			versionNumber: 1,
			title: 'Injection review',
			description: 'Finds injection flaws.',
			tags: ['security', 'python'],
			variables: ['language', 'code'],
			models: ['codet5p', 'whiterabbitneo'],
			authorName: t.author.user.username
		});
		expect(row.text).toBe(['You are a careful security reviewer.', 'Review this {{language}} code:\n{{code}}', 'eval(input())', 'Never eval user input.'].join('\n\n'));
		expect(row.firstPublishedAt).toEqual(row.publishedAt);
		const prompt = await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } });
		expect(prompt.visibility).toBe('public');
	});

	it('lists as tried on the model that answered: the stand-in as itself, never the model it stood in for; the model filter finds only real runs', async () => {
		const t = await publishingTeam();
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'codet5p', standIn: 'codetune-tiny-code' });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'whiterabbitneo', standIn: 'codetune-tiny-code' });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'whiterabbitneo' });
		const tag = `standin-${randomUUID().slice(0, 8)}`;
		await publishVersion(t.author, t.prompt, form({ tags: tag }));
		const db = await prisma();
		expect((await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } })).models).toEqual(['whiterabbitneo', 'stand-in:codetune-tiny-code']);
		const page = await publicPromptPage(t.ws, t.prompt, { viewer: null });
		expect(page.version.modelsTried).toEqual(['whiterabbitneo', 'stand-in:codetune-tiny-code']);
		const byModel = async (model: 'codet5p' | 'whiterabbitneo') => (await searchLibrary(libraryQuerySchema.parse({ model, tag }))).cards.map((c) => c.promptSlug);
		expect(await byModel('whiterabbitneo')).toEqual([t.prompt]);
		expect(await byModel('codet5p')).toEqual([]);
	});

	it('lets the owner publish, refuses a viewer (403) and someone from another workspace (404)', async () => {
		const t = await publishingTeam();
		expect((await publishVersion(t.owner, t.prompt, form({ versionNumber: '2' }))).liveVersion).toBe(2);
		expect((await refusal(publishVersion(t.viewer, t.prompt, form()))).status).toBe(403);
		const stranger = await versionTeam('stranger');
		expect((await refusal(publishVersion(stranger.owner, t.prompt, form()))).status).toBe(404);
		const db = await prisma();
		expect(await db.publication.count({ where: { promptId: t.promptId } })).toBe(1);
	});
});

describe('sample outputs', () => {
	it('copies chosen succeeded runs of the version (model, stand-in, variables, output cut to the limit) and nothing else', async () => {
		const t = await publishingTeam();
		const long = 'x'.repeat(9000);
		const first = await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), output: long, standIn: 'codetune-tiny-code' });
		const second = await addRun({ by: t.reviewer, promptId: t.promptId, versionId: t.versionId(1), model: 'codet5p', variables: { code: 'os.system(cmd)', language: 'python' } });
		await publishVersion(t.author, t.prompt, form({ sampleRunIds: [second, first] }));
		const db = await prisma();
		const publication = await db.publication.findFirstOrThrow({ where: { promptId: t.promptId } });
		expect(publication.sampleRunIds).toEqual([second, first]);
		expect(publication.samples).toEqual([
			{ model: 'codet5p', standIn: null, variables: { code: 'os.system(cmd)', language: 'python' }, output: 'Never eval user input.' },
			{ model: 'whiterabbitneo', standIn: 'codetune-tiny-code', variables: { code: 'eval(input())', language: 'python' }, output: 'x'.repeat(8000) }
		]);
		// Neither the publication nor the library row carries an endpoint, a token or a user id.
		const listing = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		for (const stored of [JSON.stringify(publication), JSON.stringify(listing)]) {
			expect(stored).not.toContain(SECRET_URL);
			expect(stored).not.toContain(SECRET_TOKEN);
			expect(stored).not.toContain(t.reviewer.user.id);
		}
		expect(JSON.stringify(publication.samples)).not.toContain(t.author.user.id);
		expect(JSON.stringify(listing)).not.toContain(t.author.user.id);
	});

	it('refuses a run of another version, a failed run and a run of another prompt, naming the problem', async () => {
		const t = await publishingTeam();
		const otherVersion = await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(2) });
		const failed = await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), status: 'failed' });
		const draftRun = await addRun({ by: t.author, promptId: t.promptId, versionId: null });
		const other = await createPrompt(t.author, promptMetaSchema.parse({ name: uniquePromptName('Other') }));
		const otherPrompt = await getPrompt(t.author, other.slug);
		const foreign = await addRun({ by: t.author, promptId: otherPrompt.id, versionId: null });
		const cases: Array<[string, RegExp]> = [
			[otherVersion, /ran v2, not v1/],
			[failed, /did not succeed \(failed\)/],
			[draftRun, /ran the live draft, not v1/],
			[foreign, /is not a run of this prompt/],
			[randomUUID(), /is not a run of this prompt/]
		];
		for (const [id, message] of cases) {
			const refused = await refusal(publishVersion(t.author, t.prompt, form({ sampleRunIds: [id] })));
			expect([refused.status, refused.field]).toEqual([400, 'sampleRunIds']);
			expect(refused.message).toMatch(message);
		}
		expect((await refusal(publishVersion(t.author, t.prompt, form({ versionNumber: '7' })))).message).toBe('This prompt has no v7.');
		const db = await prisma();
		expect(await db.publication.count({ where: { promptId: t.promptId } })).toBe(0);
		expect(await db.publicPrompt.count({ where: { promptId: t.promptId } })).toBe(0);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } })).visibility).toBe('workspace');
	});
});

describe('private prompts', () => {
	it('are published only by those who see them: another editor gets 404, the author and the owner may', async () => {
		const t = await versionTeam('private');
		const { slug } = await createPrompt(t.author, promptMetaSchema.parse({ name: uniquePromptName('Secret'), visibility: 'private' }));
		const { id } = await getPrompt(t.author, slug);
		await setDraft(id, sample());
		await commitDraft(t.author, slug, 'v1');
		expect((await refusal(publishVersion(t.reviewer, slug, form()))).status).toBe(404);
		expect((await refusal(unpublish(t.reviewer, slug))).status).toBe(404);
		expect((await publishVersion(t.owner, slug, form())).liveVersion).toBe(1);
		// Published, it is public: every member now sees it.
		expect((await getPrompt(t.reviewer, slug)).visibility).toBe('public');
	});
});

describe('newer versions and unpublishing', () => {
	it('shows the newest published version on the public page and keeps the older publication listed', async () => {
		const t = await publishingTeam();
		const db = await prisma();
		await publishVersion(t.author, t.prompt, form());
		const first = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(2), model: 'codet5p' });
		await publishVersion(t.reviewer, t.prompt, form({ versionNumber: '2', title: 'Risk review', tags: 'security' }));
		const row = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		expect(row).toMatchObject({ versionNumber: 2, title: 'Risk review', tags: ['security'], variables: ['code', 'risk'], models: ['codet5p'], authorName: t.reviewer.user.username });
		expect(row.text).toContain('You are a meticulous reviewer.');
		expect(row.firstPublishedAt).toEqual(first.firstPublishedAt);
		// Publishing the older version again changes its publication, not the public page.
		const again = await publishVersion(t.author, t.prompt, form({ title: 'Injection review, revised' }));
		expect(again).toMatchObject({ republished: true, liveVersion: 2 });
		expect((await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } })).versionNumber).toBe(2);
		const overview = await publishingOverview(t.viewer, t.prompt);
		expect(overview.publications.map((p) => [p.versionNumber, p.title, p.live, p.shown])).toEqual([
			[2, 'Risk review', true, true],
			[1, 'Injection review, revised', true, false]
		]);
		expect(overview.publicPage).toEqual({ workspaceSlug: t.ws, promptSlug: t.prompt, versionNumber: 2 });
		expect(overview.canPublish).toBe(false);
	});

	it('falls back to the previous live version when one is unpublished, and leaves the library when none is left', async () => {
		const t = await publishingTeam();
		const db = await prisma();
		await publishVersion(t.author, t.prompt, form());
		await publishVersion(t.author, t.prompt, form({ versionNumber: '2', title: 'Risk review' }));
		expect((await refusal(unpublish(t.viewer, t.prompt, 2))).status).toBe(403);
		expect(await unpublish(t.author, t.prompt, 2)).toEqual({ liveVersion: 1, message: 'Unpublished v2. The public page now shows v1.' });
		const row = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		expect([row.versionNumber, row.title]).toEqual([1, 'Injection review']);
		const v2 = await db.publication.findFirstOrThrow({ where: { versionId: t.versionId(2) } });
		expect(v2.unpublishedAt).toBeInstanceOf(Date);
		expect((await refusal(unpublish(t.author, t.prompt, 2))).message).toBe('v2 is not published.');
		expect((await unpublish(t.owner, t.prompt, 1)).liveVersion).toBeNull();
		expect(await db.publicPrompt.count({ where: { promptId: t.promptId } })).toBe(0);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } })).visibility).toBe('workspace');
		// Publications stay as records of what was published.
		expect(await db.publication.count({ where: { promptId: t.promptId } })).toBe(2);
	});

	it('unpublishes everything at once: the row goes and the prompt is visible to the workspace only', async () => {
		const t = await publishingTeam();
		const db = await prisma();
		await publishVersion(t.author, t.prompt, form());
		await publishVersion(t.author, t.prompt, form({ versionNumber: '2' }));
		await unpublish(t.reviewer, t.prompt);
		expect(await db.publicPrompt.count({ where: { promptId: t.promptId } })).toBe(0);
		expect(await db.publication.count({ where: { promptId: t.promptId, unpublishedAt: null } })).toBe(0);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } })).visibility).toBe('workspace');
		expect((await refusal(unpublish(t.reviewer, t.prompt))).message).toBe('This prompt is not published.');
		// Published again later, the first publication date is kept.
		const first = await db.publication.findFirstOrThrow({ where: { versionId: t.versionId(1) } });
		await publishVersion(t.author, t.prompt, form({ versionNumber: '2' }));
		const row = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		expect(row.firstPublishedAt).toEqual(first.publishedAt);
		expect(row.versionNumber).toBe(2);
	});
});

describe('the visibility rule of the meta form', () => {
	const meta = (name: string, over: Record<string, string> = {}) => promptMetaSchema.parse({ name, ...over });

	it('unpublishes a prompt made workspace-only or private, and refuses “public” without publishing', async () => {
		const t = await publishingTeam();
		const db = await prisma();
		const { name } = await getPrompt(t.author, t.prompt);
		const refused = await refusal(updatePromptMeta(t.author, t.prompt, meta(name, { visibility: 'public' })));
		expect([refused.status, refused.field, refused.message]).toEqual([400, 'visibility', 'A prompt becomes public by publishing a version from its Publish tab.']);

		await publishVersion(t.author, t.prompt, form());
		// Saving the form with "public" kept (and a new slug): still published, at its new address.
		await updatePromptMeta(t.author, t.prompt, meta(name, { visibility: 'public', slug: `${t.prompt}-renamed` }));
		expect((await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } })).promptSlug).toBe(`${t.prompt}-renamed`);

		await updatePromptMeta(t.author, `${t.prompt}-renamed`, meta(name, { visibility: 'private' }));
		expect(await db.publicPrompt.count({ where: { promptId: t.promptId } })).toBe(0);
		expect(await db.publication.count({ where: { promptId: t.promptId, unpublishedAt: null } })).toBe(0);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } })).visibility).toBe('private');
	});

	it('still answers a slug another prompt uses with 409, and leaves the library row as it was', async () => {
		const t = await publishingTeam();
		const other = await createPrompt(t.author, promptMetaSchema.parse({ name: uniquePromptName('Other') }));
		await publishVersion(t.author, t.prompt, form());
		const { name } = await getPrompt(t.author, t.prompt);
		const clash = await refusal(updatePromptMeta(t.author, t.prompt, meta(name, { visibility: 'workspace', slug: other.slug })));
		expect([clash.status, clash.field]).toEqual([409, 'slug']);
		const db = await prisma();
		expect((await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } })).promptSlug).toBe(t.prompt);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } })).visibility).toBe('public');
	});
});

describe('forking a published version', () => {
	/** The origin published (v1 and v2, v2 on the public page); a forker who edits one workspace and views another. */
	async function forkSetup() {
		const t = await publishingTeam();
		await publishVersion(t.author, t.prompt, form());
		await publishVersion(t.author, t.prompt, form({ versionNumber: '2', title: 'Risk review', description: 'Names the risk.', tags: 'security, review' }));
		const db = await prisma();
		await db.workspace.update({ where: { id: t.owner.workspace.id }, data: { modelSettings: { endpoint: SECRET_URL, token: SECRET_TOKEN } } });
		const forkerUser = await newUser('forker');
		const target = await newWorkspace('target');
		const watched = await newWorkspace('watched');
		await addMember(target.owner, forkerUser.username, 'editor');
		await addMember(watched.owner, forkerUser.username, 'viewer');
		const forker = await memberOf(forkerUser, target.slug);
		return { ...t, forker, target: target.slug, watched: watched.slug, address: { workspaceSlug: t.ws, promptSlug: t.prompt } };
	}

	it('makes a workspace prompt whose v1 is exactly the published version, draft included, and counts the fork', async () => {
		const f = await forkSetup();
		const made = await forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target }));
		expect(made).toEqual({ workspaceSlug: f.target, promptSlug: 'risk-review' });
		const forked = await getPrompt(f.forker, made.promptSlug);
		expect([forked.name, forked.description, forked.tags, forked.visibility]).toEqual(['Risk review', 'Names the risk.', ['security', 'review'], 'workspace']);
		const { version: origin } = await getVersion(f.owner, f.prompt, 2);
		const { version: copy } = await getVersion(f.forker, made.promptSlug, 1);
		expect(copy.content).toEqual(origin.content);
		expect(copy.content.parameters).toMatchObject({ modelType: 'codet5p', topP: 0.9, stop: ['###'] });
		expect(copy.contentHash).toBe(origin.contentHash);
		expect(copy.message).toBe(`Forked from ${f.ws}/${f.prompt} v2`);
		expect(await readDraftContent(forked.id)).toEqual(origin.content);
		const db = await prisma();
		const row = await db.prompt.findUniqueOrThrow({ where: { id: forked.id } });
		expect([row.forkedFromId, row.forkedFromVersionId]).toEqual([f.promptId, f.versionId(2)]);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: f.promptId } })).forkCount).toBe(1);
		// Content only: the forking workspace keeps its own model settings.
		expect((await db.workspace.findUniqueOrThrow({ where: { slug: f.target } })).modelSettings).toEqual({});
		expect(await forkOrigin(forked.id)).toEqual({ workspaceSlug: f.ws, promptSlug: f.prompt, title: 'Risk review', versionNumber: 2 });
	});

	it('forks an older published version when asked, and makes the slug unique on a second fork', async () => {
		const f = await forkSetup();
		const older = await forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target, versionNumber: '1' }));
		expect(older.promptSlug).toBe('injection-review');
		expect((await getVersion(f.forker, older.promptSlug, 1)).version.content.systemPrompt).toBe(sample().systemPrompt);
		const again = await forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target, versionNumber: '1' }));
		expect(again.promptSlug).toBe('injection-review-2');
		const db = await prisma();
		expect((await db.prompt.findUniqueOrThrow({ where: { id: f.promptId } })).forkCount).toBe(2);
	});

	it('refuses a viewer of the target workspace, a workspace the user is not in, and an unpublished or hidden origin', async () => {
		const f = await forkSetup();
		const db = await prisma();
		const count = () => db.prompt.count({ where: { forkedFromId: f.promptId } });
		expect((await refusal(forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.watched })))).status).toBe(403);
		const stranger = await refusal(forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.ws })));
		expect([stranger.status, stranger.field]).toEqual([400, 'workspace']);
		await unpublish(f.author, f.prompt, 1);
		expect((await refusal(forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target, versionNumber: '1' })))).status).toBe(404);
		expect((await refusal(forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target, versionNumber: '9' })))).status).toBe(404);
		await db.prompt.update({ where: { id: f.promptId }, data: { hiddenAt: new Date(), hiddenReason: 'spam' } });
		expect((await refusal(forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target })))).status).toBe(404);
		expect((await refusal(publishVersion(f.author, f.prompt, form()))).status).toBe(403);
		await db.prompt.update({ where: { id: f.promptId }, data: { hiddenAt: null } });
		await unpublish(f.author, f.prompt);
		expect((await refusal(forkPublishedVersion(f.forker.user, f.address, forkSchema.parse({ workspace: f.target })))).status).toBe(404);
		expect(await count()).toBe(0);
		expect((await db.prompt.findUniqueOrThrow({ where: { id: f.promptId } })).forkCount).toBe(0);
	});
});

describe('the publishing overview', () => {
	it('lists versions, the latest 20 succeeded runs of each version and the form defaults', async () => {
		const t = await publishingTeam();
		const base = Date.now() - 60_000;
		const ids: string[] = [];
		for (let i = 0; i < 22; i++) {
			const id = await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), output: `answer ${i}` });
			await (await prisma()).executionHistory.update({ where: { id }, data: { executedAt: new Date(base + i * 1000) } });
			ids.push(id);
		}
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), status: 'failed' });
		const v2run = await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(2), model: 'codet5p', standIn: 'codetune-tiny-code' });
		const overview = await publishingOverview(t.author, t.prompt);
		expect(overview.versions.map((v) => [v.number, v.message])).toEqual([
			[2, 'Name the risk'],
			[1, 'First cut']
		]);
		expect(overview.candidates[1]!.map((c) => c.id)).toEqual(ids.slice(2).reverse());
		expect(overview.candidates[1]![0]).toMatchObject({ model: 'whiterabbitneo', outputExcerpt: 'answer 21', variables: { code: 'eval(input())', language: 'python' } });
		expect(overview.candidates[2]).toEqual([expect.objectContaining({ id: v2run, model: 'codet5p', standIn: 'codetune-tiny-code' })]);
		// A preview shows what the run answered, not the blank lines and fence it started with.
		const padded = await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(2), output: `${'\n'.repeat(600)}   \n\`\`\`python\n\n\ndef add(a, b):\n    return a + b\n\`\`\`\n` });
		expect((await publishingOverview(t.author, t.prompt)).candidates[2]!.find((c) => c.id === padded)!.outputExcerpt).toBe('def add(a, b):\n    return a + b');
		expect(overview.defaults).toEqual({ title: overview.prompt.name, description: '', tags: [] });
		expect([overview.canPublish, overview.publicPage, overview.publications]).toEqual([true, null, []]);
		await publishVersion(t.author, t.prompt, form());
		expect((await publishingOverview(t.author, t.prompt)).defaults).toEqual({ title: 'Injection review', description: 'Finds injection flaws.', tags: ['security', 'python'] });
	});
});

describe('the Publish and Fork pages over HTTP, as a browser without JavaScript', () => {
	let app: AppServer;

	beforeAll(async () => {
		app = await startAppServer();
	}, 90_000);

	afterAll(async () => {
		await app?.stop();
	});

	const signedUp = (base: string) => signUpOverHttp(app.url, base);

	/** A browser posting a form with repeated fields (several checked boxes), with the client's session cookie. */
	async function postFields(client: FormClient, path: string, fields: Array<[string, string]>) {
		const response = await fetch(app.url + path, {
			method: 'POST',
			redirect: 'manual',
			body: new URLSearchParams(fields).toString(),
			headers: { accept: 'text/html', origin: app.url, 'content-type': 'application/x-www-form-urlencoded', cookie: String(Reflect.get(client, 'cookie')) }
		});
		return { status: response.status, location: response.headers.get('location'), html: await response.text() };
	}

	function expectShown(response: { status: number; html: string }, status: number, text: string) {
		expect(response.status, visibleText(response.html).slice(0, 400)).toBe(status);
		expect(visibleText(response.html)).toContain(text);
	}

	/** Owner, editor, viewer and an outsider; a prompt with v1 committed from its seeded draft and three runs of v1. */
	async function team() {
		const [owner, editor, viewer, outsider] = await Promise.all(['own', 'edit', 'view', 'out'].map(signedUp));
		const ws = (await owner!.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Publish') })).location!;
		for (const [person, role] of [[editor, 'editor'], [viewer, 'viewer']] as const) {
			expect((await owner!.client.post(`${ws}/settings?/addMember`, { username: person!.username, role })).status).toBe(200);
		}
		const path = (await editor!.client.post(`${ws}/prompts/new`, { name: 'Injection review' })).location!;
		const db = await prisma();
		const wsSlug = ws.split('/').at(-1)!;
		const promptSlug = path.split('/').at(-1)!;
		const prompt = await db.prompt.findFirstOrThrow({ where: { slug: promptSlug, workspace: { slug: wsSlug } } });
		await db.prompt.update({ where: { id: prompt.id }, data: { systemPrompt: 'You review code for injection flaws.', userPromptTemplate: 'Review:\n{{code}}' } });
		expectShown(await editor!.client.post(`${path}/versions?/commit`, { message: 'First cut' }), 200, 'Committed v1.');
		const v1 = await db.promptVersion.findFirstOrThrow({ where: { promptId: prompt.id, versionNumber: 1 } });
		const editorId = (await db.user.findFirstOrThrow({ where: { username: editor!.username } })).id;
		const by = { workspace: { id: prompt.workspaceId, slug: wsSlug, name: '' }, user: { id: editorId, username: editor!.username, isSiteAdmin: false }, role: 'editor' } as Member;
		const runs = {
			good: await addRun({ by, promptId: prompt.id, versionId: v1.id, output: 'Use parameterised queries.', variables: { code: 'db.query("SELECT " + id)' } }),
			other: await addRun({ by, promptId: prompt.id, versionId: v1.id, model: 'codet5p', output: 'Escape the input.', variables: { code: 'exec(cmd)' } }),
			failed: await addRun({ by, promptId: prompt.id, versionId: v1.id, status: 'failed', output: 'half an answer' })
		};
		return { ws, wsSlug, path, promptSlug, promptId: prompt.id, runs, owner: owner!, editor: editor!, viewer: viewer!, outsider: outsider! };
	}

	it('publishes from the Publish tab with checked sample outputs, lists the publication and unpublishes it', async () => {
		const t = await team();
		const db = await prisma();
		const editorPage = await t.editor.client.get(t.path);
		expect(editorPage.html).toContain(`href="${t.path}/publish"`);
		const page = await t.editor.client.get(`${t.path}/publish`);
		expectShown(page, 200, 'Publish v1');
		expect(visibleText(page.html)).toContain('Use parameterised queries.');
		expect(visibleText(page.html)).not.toContain('half an answer');
		expect(page.html).toContain(`value="${t.runs.good}"`);

		const action = `${t.path}/publish?version=1&/publish`;
		const fields = (samples: string[]): Array<[string, string]> => [
			['versionNumber', '1'],
			['title', 'Injection review'],
			['description', 'Finds injection flaws.'],
			['tags', 'security, sql'],
			...samples.map((id): [string, string] => ['sampleRunIds', id])
		];
		const refused = await postFields(t.editor.client, action, fields([t.runs.good, t.runs.failed]));
		expectShown(refused, 400, 'did not succeed (failed)');
		expect(await db.publication.count({ where: { promptId: t.promptId } })).toBe(0);

		expectShown(await postFields(t.editor.client, action, fields([t.runs.good, t.runs.other])), 200, 'Published: v1 is in the community library.');
		const publication = await db.publication.findFirstOrThrow({ where: { promptId: t.promptId } });
		expect((publication.samples as Array<{ output: string }>).map((sample) => sample.output)).toEqual(['Use parameterised queries.', 'Escape the input.']);
		const listed = visibleText((await t.viewer.client.get(`${t.path}/publish`)).html);
		expect(listed).toContain('On the public page');
		expect(listed).toContain(`/library/${t.wsSlug}/${t.promptSlug}`);
		// The meta form shows the published prompt as public, and says how to leave the library.
		expect(visibleText((await t.editor.client.get(`${t.path}/edit`)).html)).toContain('Choosing workspace or private unpublishes it');

		expectShown(await t.editor.client.post(`${t.path}/publish?version=1&/unpublish`, { version: '1' }), 200, 'Unpublished v1. No version is published any more');
		expect(await db.publicPrompt.count({ where: { promptId: t.promptId } })).toBe(0);
		expectShown(await postFields(t.owner.client, action, fields([])), 200, 'Published again: v1');
		expectShown(await t.owner.client.post(`${t.path}/publish?/unpublishAll`, {}), 200, 'Unpublished everywhere');
		expect((await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } })).visibility).toBe('workspace');
	});

	it('keeps viewers, outsiders and signed-out visitors from publishing', async () => {
		const t = await team();
		const viewerPage = await t.viewer.client.get(`${t.path}/publish`);
		expectShown(viewerPage, 200, 'Only editors and owners publish prompts.');
		expect((await t.viewer.client.get(t.path)).html).not.toContain(`href="${t.path}/publish"`);
		expect((await t.viewer.client.post(`${t.path}/publish?/publish`, { versionNumber: '1', title: 'Mine now' })).status).toBe(403);
		expect((await t.viewer.client.post(`${t.path}/publish?/unpublishAll`, {})).status).toBe(403);
		expect((await t.outsider.client.get(`${t.path}/publish`)).status).toBe(404);
		expect((await t.outsider.client.post(`${t.path}/publish?/publish`, { versionNumber: '1', title: 'Mine now' })).status).toBe(404);
		expect((await new FormClient(app.url).get(`${t.path}/publish`)).location).toMatch(/^\/signin\?redirectTo=/);
		expect(await (await prisma()).publication.count({ where: { promptId: t.promptId } })).toBe(0);
	});

	it('forks a public prompt into the reader’s workspace and opens it, showing where it came from', async () => {
		const t = await team();
		expectShown(await t.editor.client.post(`${t.path}/publish?/publish`, { versionNumber: '1', title: 'Injection review', tags: 'security' }), 200, 'Published');
		const forkPath = `/library/${t.wsSlug}/${t.promptSlug}/fork`;
		const signedOut = await new FormClient(app.url).get(`${forkPath}?version=1`);
		expect(signedOut.location).toBe(`/signin?redirectTo=${encodeURIComponent(`${forkPath}?version=1`)}`);

		const home = (await t.outsider.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Forks') })).location!;
		const homeSlug = home.split('/').at(-1)!;
		const page = await t.outsider.client.get(`${forkPath}?version=1`);
		expectShown(page, 200, 'Fork “Injection review”');
		expect(page.html).toContain(`value="${homeSlug}"`);
		// The viewer of the origin's workspace may not fork into it.
		expectShown(await t.viewer.client.post(forkPath, { workspace: t.wsSlug, versionNumber: '1' }), 403, 'Viewers cannot add prompts to');

		const forked = await t.outsider.client.post(forkPath, { workspace: homeSlug, versionNumber: '1' });
		expect(forked.status).toBe(303);
		expect(forked.location).toBe(`${home}/prompts/injection-review`);
		const opened = await t.outsider.client.get(forked.location!);
		expectShown(opened, 200, `Forked from ${t.wsSlug}/${t.promptSlug} v1`);
		expect(opened.html).toContain(`href="/library/${t.wsSlug}/${t.promptSlug}"`);
		const history = visibleText((await t.outsider.client.get(`${forked.location}/versions`)).html);
		expect(history).toContain(`Forked from ${t.wsSlug}/${t.promptSlug} v1`);

		// Once the origin leaves the library, its fork page is gone and the fork no longer links to it.
		expectShown(await t.editor.client.post(`${t.path}/publish?/unpublishAll`, {}), 200, 'Unpublished everywhere');
		expect((await t.outsider.client.get(forkPath)).status).toBe(404);
		expect((await t.outsider.client.post(forkPath, { workspace: homeSlug })).status).toBe(404);
		expect(visibleText((await t.outsider.client.get(forked.location!)).html)).not.toContain('Forked from');
	});
});
