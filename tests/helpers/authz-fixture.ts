// The people and things the authorisation matrix asks about: one workspace with an owner, an editor,
// a viewer and a second editor who proposes reviews; a signed-in outsider and a site admin who belong
// to none of it; a shared prompt with two versions, a label, a publication, a session, a run, an
// evaluation and an open review; and a private prompt of the owner's with a session and a run. Built
// through the services, once per test file; each person has a session cookie of their own.
import { randomUUID } from 'node:crypto';
import { writeDraft, type DraftContent } from '$lib/prompt-doc';
import { promptMetaSchema } from '$lib/schemas/prompt';
import type { SessionUser } from '$lib/server/auth';
import { updateDraft } from '$lib/server/drafts';
import { openSession } from '$lib/server/generation';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { publishVersion } from '$lib/server/publishing/publish';
import { commitDraft, moveLabel, proposeReview } from '$lib/server/versions';
import { addMember, type Member } from '$lib/server/workspaces';
import { prisma } from './db';
import { memberOf, newUser, newWorkspace } from './people';
import { uniquePromptName } from './unique';
import { cookieFor } from './yjs-team';

/** Who asks: nobody, a signed-in stranger, the three workspace roles, and a site admin (a stranger to the workspace). */
export const ACTORS = ['anonymous', 'outsider', 'viewer', 'editor', 'owner', 'siteAdmin'] as const;
export type Actor = (typeof ACTORS)[number];
export type Person = Exclude<Actor, 'anonymous'>;

export interface Someone {
	user: SessionUser;
	cookie: string;
}

export interface PromptRef {
	id: string;
	slug: string;
	name: string;
}

export interface AuthzFixture {
	workspace: { id: string; slug: string };
	people: Record<Person, Someone>;
	members: Record<'owner' | 'editor' | 'viewer' | 'proposer', Member>;
	/** Shared with the workspace, versions 1 and 2, staging → v1, v1 published to the library. */
	shared: PromptRef & { sessionId: string; runId: string; evaluationId: string; reviewId: string };
	/** The owner's private prompt: only the owner (its author) sees it. */
	secret: PromptRef & { sessionId: string; runId: string; evaluationId: string };
}

export const MATRIX_CONTENT: DraftContent = {
	systemPrompt: 'You are a careful security reviewer.',
	userPromptTemplate: 'Review this {{language}} code:\n{{code}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 }
};

export async function setDraft(promptId: string, content: DraftContent): Promise<void> {
	await updateDraft(promptId, (doc) => writeDraft(doc, content));
}

/** A prompt of the owner's with `versions` committed versions (each a different template), v1 published if asked. */
export async function promptWith(owner: Member, options: { versions?: number; published?: boolean; visibility?: 'workspace' | 'private'; name?: string } = {}): Promise<PromptRef> {
	const name = options.name ?? uniquePromptName('Matrix');
	const { slug } = await createPrompt(owner, promptMetaSchema.parse({ name, visibility: options.visibility ?? 'workspace' }));
	const { id } = await getPrompt(owner, slug);
	for (let n = 1; n <= (options.versions ?? 0); n++) {
		await setDraft(id, { ...MATRIX_CONTENT, userPromptTemplate: `${MATRIX_CONTENT.userPromptTemplate}\n(revision ${n})` });
		await commitDraft(owner, slug, `Revision ${n}`);
	}
	if (options.published) await publishVersion(owner, slug, { versionNumber: 1, title: name, description: 'Published for the matrix.', tags: [], sampleRunIds: [] });
	return { id, slug, name };
}

/** A finished run of the prompt, as execution_history keeps it (starting real runs is the hub's business). */
export async function finishedRun(member: Member, promptId: string, sessionId: string | null = null): Promise<string> {
	const db = await prisma();
	const at = new Date();
	const row = await db.executionHistory.create({
		data: {
			workspaceId: member.workspace.id,
			promptId,
			sessionId,
			userId: member.user.id,
			runGroupId: randomUUID(),
			status: 'succeeded',
			modelUsed: 'whiterabbitneo',
			executedAt: at,
			finishedAt: new Date(at.getTime() + 1000),
			inputData: { language: 'python', code: 'eval(input())' },
			renderedPrompt: 'Review this python code',
			parameters: { maxTokens: 64, temperature: 0 },
			outputData: 'Never eval input.',
			success: true,
			cacheMode: 'auto',
			cacheOutcome: 'miss'
		},
		select: { id: true }
	});
	return row.id;
}

export async function buildAuthzFixture(base = 'authz'): Promise<AuthzFixture> {
	const { owner, slug } = await newWorkspace(base);
	const [editorUser, viewerUser, proposerUser, outsider, siteAdmin] = await Promise.all([
		newUser('azedit'),
		newUser('azview'),
		newUser('azprop'),
		newUser('azout'),
		newUser('azadmin')
	]);
	await addMember(owner, editorUser.username, 'editor');
	await addMember(owner, viewerUser.username, 'viewer');
	await addMember(owner, proposerUser.username, 'editor');
	const db = await prisma();
	// A new studio's first account becomes its site admin: whoever that was here, only this one is.
	await db.user.updateMany({ where: { id: { in: [owner.user.id, editorUser.id, viewerUser.id, proposerUser.id, outsider.id] } }, data: { isSiteAdmin: false } });
	await db.user.update({ where: { id: siteAdmin.id }, data: { isSiteAdmin: true } });
	const [editor, viewer, proposer] = await Promise.all([memberOf(editorUser, slug), memberOf(viewerUser, slug), memberOf(proposerUser, slug)]);

	const shared = await promptWith(owner, { versions: 2, published: true, name: uniquePromptName('Shared') });
	await moveLabel(owner, shared.slug, 'staging', 1);
	const { id: sharedSession } = await openSession(owner, shared.slug, 'Matrix session');
	const { id: reviewId } = await proposeReview(proposer, shared.slug, { version: 2, label: 'production', title: 'v2 to production' });
	/** A finished evaluation of the prompt's v1, as the runner leaves one. */
	const evaluationOf = async (promptId: string) => {
		const version = await db.promptVersion.findFirstOrThrow({ where: { promptId, versionNumber: 1 }, select: { id: true } });
		const row = await db.evaluationRun.create({
			data: { workspaceId: owner.workspace.id, promptId, versionId: version.id, benchmark: 'humaneval', modelId: 'whiterabbitneo', status: 'succeeded', createdById: owner.user.id },
			select: { id: true }
		});
		return row.id;
	};

	const secret = await promptWith(owner, { versions: 1, visibility: 'private', name: uniquePromptName('Secret') });
	const { id: secretSession } = await openSession(owner, secret.slug, 'Owner only');

	const person = async (user: SessionUser): Promise<Someone> => ({ user, cookie: await cookieFor(user) });
	return {
		workspace: { id: owner.workspace.id, slug },
		people: {
			outsider: await person(outsider),
			viewer: await person(viewerUser),
			editor: await person(editorUser),
			owner: await person(owner.user),
			siteAdmin: await person({ ...siteAdmin, isSiteAdmin: true })
		},
		members: { owner, editor, viewer, proposer },
		shared: { ...shared, sessionId: sharedSession, runId: await finishedRun(owner, shared.id, sharedSession), evaluationId: await evaluationOf(shared.id), reviewId },
		secret: { ...secret, sessionId: secretSession, runId: await finishedRun(owner, secret.id, secretSession), evaluationId: await evaluationOf(secret.id) }
	};
}

/**
 * Everything a refused write could have touched, as JSON: the workspaces' rows, members, tokens, invitation links and who used them,
 * prompts, versions, labels and their moves, reviews, comments, sessions, runs, evaluations, plugin
 * settings, publications, stars and reports, and who the site admins are. Left out, because reading
 * or authenticating touches them: api_tokens.last_used_at, login sessions, the drafts' storage.
 */
export async function databaseState(workspaceIds: string[]): Promise<string> {
	const db = await prisma();
	const prompts = `SELECT id FROM prompt_library WHERE workspace_id = ANY($1::uuid[])`;
	const tables: Record<string, string> = {
		workspaces: `SELECT to_jsonb(t) AS r FROM workspaces t WHERE id = ANY($1::uuid[])`,
		memberships: `SELECT to_jsonb(t) AS r FROM memberships t WHERE workspace_id = ANY($1::uuid[])`,
		api_tokens: `SELECT to_jsonb(t) - 'last_used_at' AS r FROM api_tokens t WHERE workspace_id = ANY($1::uuid[])`,
		invitations: `SELECT to_jsonb(t) AS r FROM workspace_invitations t WHERE workspace_id = ANY($1::uuid[])`,
		invitation_uses: `SELECT to_jsonb(t) AS r FROM workspace_invitation_uses t WHERE invitation_id IN (SELECT id FROM workspace_invitations WHERE workspace_id = ANY($1::uuid[]))`,
		prompts: `SELECT to_jsonb(t) AS r FROM prompt_library t WHERE workspace_id = ANY($1::uuid[])`,
		versions: `SELECT to_jsonb(t) AS r FROM prompt_versions t WHERE prompt_id IN (${prompts})`,
		labels: `SELECT to_jsonb(t) AS r FROM prompt_labels t WHERE prompt_id IN (${prompts})`,
		label_moves: `SELECT to_jsonb(t) AS r FROM label_moves t WHERE label_id IN (SELECT id FROM prompt_labels WHERE prompt_id IN (${prompts}))`,
		reviews: `SELECT to_jsonb(t) AS r FROM version_reviews t WHERE prompt_id IN (${prompts})`,
		review_decisions: `SELECT to_jsonb(t) AS r FROM review_decisions t WHERE review_id IN (SELECT id FROM version_reviews WHERE prompt_id IN (${prompts}))`,
		comments: `SELECT to_jsonb(t) AS r FROM review_comments t WHERE version_id IN (SELECT id FROM prompt_versions WHERE prompt_id IN (${prompts}))`,
		sessions: `SELECT to_jsonb(t) - 'last_activity_at' AS r FROM generation_sessions t WHERE workspace_id = ANY($1::uuid[])`,
		runs: `SELECT to_jsonb(t) AS r FROM execution_history t WHERE workspace_id = ANY($1::uuid[])`,
		evaluations: `SELECT to_jsonb(t) AS r FROM evaluation_runs t WHERE workspace_id = ANY($1::uuid[])`,
		plugins: `SELECT to_jsonb(t) AS r FROM plugin_settings t WHERE workspace_id = ANY($1::uuid[])`,
		publications: `SELECT to_jsonb(t) AS r FROM publications t WHERE prompt_id IN (${prompts})`,
		public_prompts: `SELECT to_jsonb(t) - 'search' AS r FROM public_prompts t WHERE prompt_id IN (${prompts})`,
		stars: `SELECT to_jsonb(t) AS r FROM prompt_stars t WHERE prompt_id IN (${prompts})`,
		reports: `SELECT to_jsonb(t) AS r FROM abuse_reports t WHERE prompt_id IN (${prompts})`,
		site_admins: `SELECT to_jsonb(t.id) AS r FROM users t WHERE is_site_admin`
	};
	// One statement, one round trip: each table's rows as JSON, in a stable order.
	const columns = Object.entries(tables).map(([name, sql]) => `(SELECT coalesce(jsonb_agg(r ORDER BY r::text), '[]'::jsonb) FROM (${sql}) AS ${name}) AS ${name}`);
	const [row] = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT ${columns.join(', ')}`, workspaceIds);
	return JSON.stringify(row);
}
