// Forking a published version into one of the user's workspaces: a new workspace prompt whose
// version 1 is exactly the published content (texts, examples, model type and parameters; never
// the origin workspace's model settings), committed through the versions module from its live
// draft, so the draft starts from it. The origin counts its forks.
import { writeDraft } from '$lib/prompt-doc';
import { slugify, type PromptMetaInput } from '$lib/schemas/prompt';
import type { ForkInput } from '$lib/schemas/publishing';
import { roleAtLeast } from '$lib/schemas/workspace';
import type { SessionUser } from '../auth';
import { prisma } from '../db';
import { updateDraft } from '../drafts';
import { ServiceError, forbidden, invalid, notFound } from '../errors';
import { logger } from '../logger';
import { countFork, createPrompt, deletePrompt, markForkedFrom } from '../prompts';
import { commitDraft, fromColumns } from '../versions';
import { findMembership, type Member } from '../workspaces';
import type { PublicAddress } from '$lib/views/publishing';

export type { PublicAddress };

const originNotFound = () => notFound('That public prompt');

/** The listed, not hidden, prompt at this address; 404 otherwise. */
async function listedOrigin(address: PublicAddress) {
	const row = await (await prisma()).publicPrompt.findUnique({
		where: { workspaceSlug_promptSlug: { workspaceSlug: address.workspaceSlug, promptSlug: address.promptSlug } },
		select: { promptId: true, title: true, versionNumber: true, prompt: { select: { hiddenAt: true } } }
	});
	if (!row || row.prompt.hiddenAt) throw originNotFound();
	return row;
}

/** The published versions of a listed prompt that may be forked, newest first. */
async function liveVersions(promptId: string): Promise<number[]> {
	const rows = await (await prisma()).publication.findMany({
		where: { promptId, unpublishedAt: null },
		orderBy: { version: { versionNumber: 'desc' } },
		select: { version: { select: { versionNumber: true } } }
	});
	return rows.map((row) => row.version.versionNumber);
}

/** The user's workspaces where they may add prompts (editor or owner), by name. */
export async function forkTargets(userId: string): Promise<Array<{ slug: string; name: string }>> {
	const rows = await (await prisma()).membership.findMany({
		where: { userId, role: { in: ['owner', 'editor'] } },
		orderBy: { workspace: { name: 'asc' } },
		select: { workspace: { select: { slug: true, name: true } } }
	});
	return rows.map((row) => row.workspace);
}

export interface ForkOptions {
	origin: PublicAddress & { title: string; versionNumber: number };
	versions: number[];
	workspaces: Array<{ slug: string; name: string }>;
}

/** What the fork form offers: the published versions and the user's workspaces. */
export async function forkOptions(user: SessionUser, address: PublicAddress): Promise<ForkOptions> {
	const origin = await listedOrigin(address);
	const [versions, workspaces] = await Promise.all([liveVersions(origin.promptId), forkTargets(user.id)]);
	return { origin: { ...address, title: origin.title, versionNumber: origin.versionNumber }, versions, workspaces };
}

async function targetMember(user: SessionUser, workspaceSlug: string): Promise<Member> {
	const membership = await findMembership(user.id, workspaceSlug);
	if (!membership) throw invalid('Choose one of your workspaces.', 'workspace');
	if (!roleAtLeast(membership.role, 'editor')) throw forbidden(`Viewers cannot add prompts to ${membership.workspace.name}.`);
	return { user, ...membership };
}

/** A new prompt in the member's workspace under a free slug made from the title (-2, -3, … when taken). */
async function createForkPrompt(member: Member, meta: Omit<PromptMetaInput, 'slug'>): Promise<string> {
	const base = slugify(meta.name);
	const taken = new Set(
		(await (await prisma()).prompt.findMany({ where: { workspaceId: member.workspace.id, slug: { startsWith: base } }, select: { slug: true } })).map((p) => p.slug)
	);
	for (let n = 1; n <= 200; n++) {
		const suffix = n === 1 ? '' : `-${n}`;
		const slug = `${base.slice(0, 64 - suffix.length).replace(/-+$/, '')}${suffix}`;
		if (taken.has(slug)) continue;
		try {
			return (await createPrompt(member, { ...meta, slug })).slug;
		} catch (error) {
			// Taken meanwhile (a fork racing this one): try the next number.
			if (!(error instanceof ServiceError && error.status === 409)) throw error;
		}
	}
	throw invalid('This workspace already has too many prompts of that name.', 'workspace');
}

/**
 * Forks the published version (fork.versionNumber, or the one the public page shows) of the prompt
 * at `address` into fork.workspace. Returns the new prompt's address in the studio.
 */
export async function forkPublishedVersion(user: SessionUser, address: PublicAddress, fork: ForkInput): Promise<{ workspaceSlug: string; promptSlug: string }> {
	const member = await targetMember(user, fork.workspace);
	const origin = await listedOrigin(address);
	const number = fork.versionNumber ?? origin.versionNumber;
	const db = await prisma();
	const publication = await db.publication.findFirst({
		where: { promptId: origin.promptId, unpublishedAt: null, version: { versionNumber: number } },
		select: {
			title: true,
			description: true,
			tags: true,
			version: {
				select: { id: true, systemPrompt: true, userPromptTemplate: true, fewShotExamples: true, modelType: true, temperature: true, maxTokens: true, parameters: true }
			}
		}
	});
	if (!publication) throw notFound(`Published version v${number} of that prompt`);
	const content = fromColumns(publication.version);

	const slug = await createForkPrompt(member, {
		name: publication.title,
		description: publication.description,
		category: '',
		useCase: '',
		tags: publication.tags,
		visibility: 'workspace'
	});
	try {
		const created = await markForkedFrom(member.workspace.id, slug, { promptId: origin.promptId, versionId: publication.version.id });
		// The live draft takes the published content, then that draft is committed as v1.
		await updateDraft(created.id, (doc) => writeDraft(doc, content));
		const commit = await commitDraft(member, slug, `Forked from ${address.workspaceSlug}/${address.promptSlug} v${number}`);
		if (!commit.created || commit.version !== 1) throw new Error(`the fork's first commit gave v${commit.version} (created: ${commit.created})`);
	} catch (error) {
		// No half-made fork is left behind: the new prompt goes, with its draft.
		logger.error({ err: error, workspace: member.workspace.slug, slug }, 'forking failed; removing the new prompt');
		await deletePrompt(member, slug).catch((cleanup: unknown) => logger.error({ err: cleanup, slug }, 'could not remove a half-made fork'));
		throw error;
	}
	await countFork(origin.promptId);
	return { workspaceSlug: member.workspace.slug, promptSlug: slug };
}

/** Where a forked prompt came from, while that origin is still in the library; null otherwise. */
export async function forkOrigin(promptId: string): Promise<(PublicAddress & { title: string; versionNumber: number | null }) | null> {
	const row = await (await prisma()).prompt.findUnique({
		where: { id: promptId },
		select: {
			forkedFromVersion: { select: { versionNumber: true } },
			forkedFrom: { select: { hiddenAt: true, publicPage: { select: { workspaceSlug: true, promptSlug: true, title: true } } } }
		}
	});
	const listing = row?.forkedFrom?.publicPage;
	if (!listing || row.forkedFrom?.hiddenAt) return null;
	return { ...listing, versionNumber: row.forkedFromVersion?.versionNumber ?? null };
}
