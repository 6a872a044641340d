// The library's read model: one public_prompts row per published prompt, holding its newest live
// publication (the highest version number not unpublished). Only this module writes the table,
// always inside the caller's transaction, so a publication and its row never disagree.
// The caller holds the prompt's lock (prompts' lockPrompt) for the whole transaction.
import { fewShotExampleSchema } from '$lib/prompt-doc';
import type { Prisma } from '../db';
import { publicText, publicVariables } from './public-text';

type Transaction = Prisma.TransactionClient;

/** Shown when the publisher's account is gone. */
const FORMER_MEMBER = 'a former member';

/**
 * Rewrites the prompt's public_prompts row from its live publications: the one with the highest
 * version number, or no row at all when none is live. Returns the version shown, or null.
 */
export async function refreshListing(tx: Transaction, promptId: string): Promise<number | null> {
	const live = await tx.publication.findFirst({
		where: { promptId, unpublishedAt: null },
		orderBy: { version: { versionNumber: 'desc' } },
		select: {
			id: true,
			title: true,
			description: true,
			tags: true,
			modelsTried: true,
			publishedAt: true,
			publishedBy: { select: { username: true, displayName: true } },
			version: { select: { versionNumber: true, systemPrompt: true, userPromptTemplate: true, fewShotExamples: true } },
			prompt: { select: { slug: true, workspace: { select: { slug: true } } } }
		}
	});
	if (!live) {
		await tx.publicPrompt.deleteMany({ where: { promptId } });
		return null;
	}
	// One query at a time: a transaction is one connection.
	const existing = await tx.publicPrompt.findUnique({ where: { promptId }, select: { firstPublishedAt: true } });
	const first = await tx.publication.aggregate({ where: { promptId }, _min: { publishedAt: true } });
	// The first publication's date stays put when an older publication is published again.
	const candidates = [existing?.firstPublishedAt, first._min.publishedAt, live.publishedAt].filter((d): d is Date => d instanceof Date);
	const firstPublishedAt = new Date(Math.min(...candidates.map((d) => d.getTime())));
	const { version } = live;
	const examples = fewShotExampleSchema.array().catch([]).parse(version.fewShotExamples);
	const row = {
		publicationId: live.id,
		workspaceSlug: live.prompt.workspace.slug,
		promptSlug: live.prompt.slug,
		versionNumber: version.versionNumber,
		title: live.title,
		description: live.description,
		tags: live.tags,
		text: publicText({ systemPrompt: version.systemPrompt, userPromptTemplate: version.userPromptTemplate, fewShotExamples: examples }),
		variables: publicVariables(version.userPromptTemplate),
		models: live.modelsTried,
		authorName: (live.publishedBy?.displayName || live.publishedBy?.username || FORMER_MEMBER).slice(0, 64),
		firstPublishedAt,
		publishedAt: live.publishedAt
	};
	await tx.publicPrompt.upsert({ where: { promptId }, create: { promptId, ...row }, update: row });
	return version.versionNumber;
}

/** Takes the whole prompt out of the library: every live publication unpublished, its row gone. */
export async function withdrawListing(tx: Transaction, promptId: string, at = new Date()): Promise<number> {
	const { count } = await tx.publication.updateMany({ where: { promptId, unpublishedAt: null }, data: { unpublishedAt: at } });
	await tx.publicPrompt.deleteMany({ where: { promptId } });
	return count;
}

/** Keeps the public address in step when a published prompt's slug changes. */
export async function renameListing(tx: Transaction, promptId: string, promptSlug: string): Promise<void> {
	await tx.publicPrompt.updateMany({ where: { promptId }, data: { promptSlug } });
}
