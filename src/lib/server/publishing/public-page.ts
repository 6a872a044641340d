// A public prompt's page at /library/<workspace>/<prompt>: one live published version (the newest,
// or one asked for) as the world may see it: its page (title, description, tags, author), content,
// variables and model parameters, the models it was tried on and sample outputs; the prompt's other
// published versions, stars, forks and origin; and what the viewer may do. Nothing else crosses:
// content and parameters are read back through the draft's schemas, which keep only known fields.
import type { DraftParameters } from '$lib/prompt-doc';
import type { SessionUser } from '../auth';
import { prisma } from '../db';
import { notFound } from '../errors';
import { fromColumns } from '../versions';
import { forkOrigin, type PublicAddress } from './fork';
import { publicVariables } from '../listings';
import { sampleOutputSchema } from '$lib/schemas/publishing';
import type { PublicPromptPage, PublishedVersionEntry } from '$lib/views/publishing';

export type { PublicAddress, PublicPromptPage, PublishedVersionEntry };

/** Shown when the publisher's account is gone (as the listing does). */
const FORMER_MEMBER = 'a former member';

export interface ListedPrompt {
	promptId: string;
	versionNumber: number;
	hiddenAt: Date | null;
	hiddenReason: string | null;
}

const missing = () => notFound('That public prompt');

/**
 * The prompt listed at this address; a 404 when there is none (never published, or unpublished),
 * and when a site admin hid it, unless `includeHidden` (site admins see hidden prompts).
 */
export async function listedPrompt(address: PublicAddress, { includeHidden = false } = {}): Promise<ListedPrompt> {
	const row = await (await prisma()).publicPrompt.findUnique({
		where: { workspaceSlug_promptSlug: { workspaceSlug: address.workspaceSlug, promptSlug: address.promptSlug } },
		select: { promptId: true, versionNumber: true, prompt: { select: { hiddenAt: true, hiddenReason: true } } }
	});
	if (!row || (row.prompt.hiddenAt && !includeHidden)) throw missing();
	return { promptId: row.promptId, versionNumber: row.versionNumber, hiddenAt: row.prompt.hiddenAt, hiddenReason: row.prompt.hiddenReason };
}

/** The public page, for anyone (viewer null when signed out); a 404 for what is not listed. */
export async function publicPromptPage(
	workspaceSlug: string,
	promptSlug: string,
	{ versionNumber, viewer }: { versionNumber?: number; viewer: SessionUser | null }
): Promise<PublicPromptPage> {
	const address = { workspaceSlug, promptSlug };
	const isSiteAdmin = viewer?.isSiteAdmin === true;
	const listed = await listedPrompt(address, { includeHidden: isSiteAdmin });
	const db = await prisma();
	const number = versionNumber ?? listed.versionNumber;
	const [publication, versions, counts, starred, reported, forkedFrom] = await Promise.all([
		db.publication.findFirst({
			where: { promptId: listed.promptId, unpublishedAt: null, version: { versionNumber: number } },
			select: {
				title: true,
				description: true,
				tags: true,
				modelsTried: true,
				samples: true,
				publishedAt: true,
				publishedBy: { select: { username: true, displayName: true } },
				version: {
					select: { versionNumber: true, systemPrompt: true, userPromptTemplate: true, fewShotExamples: true, modelType: true, temperature: true, maxTokens: true, parameters: true }
				}
			}
		}),
		db.publication.findMany({
			where: { promptId: listed.promptId, unpublishedAt: null },
			orderBy: { version: { versionNumber: 'desc' } },
			select: { title: true, publishedAt: true, version: { select: { versionNumber: true } } }
		}),
		db.prompt.findUniqueOrThrow({ where: { id: listed.promptId }, select: { starCount: true, forkCount: true } }),
		viewer ? db.star.findUnique({ where: { userId_promptId: { userId: viewer.id, promptId: listed.promptId } }, select: { userId: true } }) : null,
		viewer ? db.abuseReport.findFirst({ where: { promptId: listed.promptId, reporterId: viewer.id, resolvedAt: null }, select: { id: true } }) : null,
		forkOrigin(listed.promptId)
	]);
	// A version that was never published, or was unpublished, has no public page.
	if (!publication) throw notFound(`Published version v${number} of that prompt`);
	const content = fromColumns(publication.version);
	return {
		address,
		title: publication.title,
		description: publication.description,
		tags: publication.tags,
		authorName: (publication.publishedBy?.displayName || publication.publishedBy?.username || FORMER_MEMBER).slice(0, 64),
		version: {
			number: publication.version.versionNumber,
			publishedAt: publication.publishedAt.toISOString(),
			current: publication.version.versionNumber === listed.versionNumber,
			systemPrompt: content.systemPrompt,
			userPromptTemplate: content.userPromptTemplate,
			fewShotExamples: content.fewShotExamples,
			variables: publicVariables(content.userPromptTemplate),
			parameters: pickParameters(content.parameters),
			modelsTried: publication.modelsTried,
			samples: sampleOutputSchema.array().catch([]).parse(publication.samples)
		},
		versions: versions.map((v) => ({ number: v.version.versionNumber, title: v.title, publishedAt: v.publishedAt.toISOString() })),
		currentVersion: listed.versionNumber,
		starCount: counts.starCount,
		forkCount: counts.forkCount,
		forkedFrom,
		hidden: listed.hiddenAt ? { at: listed.hiddenAt.toISOString(), reason: listed.hiddenReason } : null,
		viewer: { signedIn: viewer !== null, starred: starred !== null, isSiteAdmin, reported: reported !== null }
	};
}

/** The known model parameters, named one by one: whatever else a stored object holds stays behind. */
function pickParameters(parameters: DraftParameters): DraftParameters {
	const { modelType, temperature, maxTokens, topP, seed, stop } = parameters;
	return { modelType, temperature, maxTokens, topP, seed, stop };
}
