// What the Publish tab shows in one call: the prompt's versions, its publications, for each version
// the runs that may become sample outputs, the form's defaults, and whether the member may publish.
import { publicTagSchema } from '$lib/schemas/publishing';
import { prisma } from '../db';
import type { Member } from '../workspaces';
import { canPublish, promptForPublishing } from './access';
import { runVariables } from '../listings';

/** Runs offered per version, newest first. */
export const CANDIDATES_PER_VERSION = 20;
/** What is read of each run's output for its preview (after its leading blank space). */
const EXCERPT_SOURCE = 2_000;
/** A preview's size: a few lines of the answer. */
export const EXCERPT_LIMITS = { lines: 4, chars: 280 } as const;

/**
 * A few lines that say what a run answered: blank lines, fence lines (```python) and trailing
 * spaces left out, the first lines with text kept, cut with "…". An answer that starts with blank
 * lines (the stand-in's often do) no longer previews as an empty line and an ellipsis.
 */
export function answerExcerpt(output: string): string {
	const lines = output
		.split('\n')
		.map((line) => line.replace(/\s+$/, ''))
		.filter((line) => line.trim() !== '' && !/^\s*(?:`{3,}|~{3,})[\w+#.-]*$/.test(line));
	let text = lines.slice(0, EXCERPT_LIMITS.lines).join('\n');
	const cut = lines.length > EXCERPT_LIMITS.lines || text.length > EXCERPT_LIMITS.chars;
	if (text.length > EXCERPT_LIMITS.chars) text = text.slice(0, EXCERPT_LIMITS.chars).replace(/\s+\S*$/, '');
	return cut ? `${text}…` : text;
}

export interface PublishingVersion {
	number: number;
	message: string;
	createdAt: string;
}

export interface PublicationEntry {
	versionNumber: number;
	title: string;
	publishedAt: string;
	unpublishedAt: string | null;
	publishedBy: string | null;
	/** Not unpublished: listed among the prompt's published versions. */
	live: boolean;
	/** The version the public page shows (the highest live one). */
	shown: boolean;
}

export interface SampleCandidate {
	id: string;
	model: string;
	standIn: string | null;
	variables: Record<string, string>;
	outputExcerpt: string;
	executedAt: string;
}

export interface PublishingOverview {
	prompt: { id: string; slug: string; name: string; visibility: 'private' | 'workspace' | 'public'; hiddenReason: string | null; hidden: boolean };
	versions: PublishingVersion[];
	publications: PublicationEntry[];
	/** Keyed by version number; versions without succeeded runs are absent. */
	candidates: Record<number, SampleCandidate[]>;
	defaults: { title: string; description: string; tags: string[] };
	/** Where the prompt is in the library now, or null when it is not listed. */
	publicPage: { workspaceSlug: string; promptSlug: string; versionNumber: number } | null;
	canPublish: boolean;
}

interface CandidateRow {
	id: string;
	version_number: number;
	model_used: string;
	stand_in_model: string | null;
	input_data: unknown;
	excerpt: string | null;
	executed_at: Date;
}

/** A prompt's tags as the library accepts them (no spaces), for the form's first guess. */
function libraryTags(tags: string[]): string[] {
	return tags.flatMap((tag) => {
		const parsed = publicTagSchema.safeParse(tag.replace(/\s+/g, '-'));
		return parsed.success ? [parsed.data] : [];
	});
}

export async function publishingOverview(member: Member, promptSlug: string): Promise<PublishingOverview> {
	const prompt = await promptForPublishing(member, promptSlug);
	const db = await prisma();
	const [versions, publications, listing, runs] = await Promise.all([
		db.promptVersion.findMany({
			where: { promptId: prompt.id },
			orderBy: { versionNumber: 'desc' },
			select: { versionNumber: true, changeNotes: true, createdAt: true }
		}),
		db.publication.findMany({
			where: { promptId: prompt.id },
			orderBy: [{ version: { versionNumber: 'desc' } }],
			select: {
				title: true,
				description: true,
				tags: true,
				publishedAt: true,
				unpublishedAt: true,
				version: { select: { versionNumber: true } },
				publishedBy: { select: { username: true, displayName: true } }
			}
		}),
		db.publicPrompt.findUnique({ where: { promptId: prompt.id }, select: { workspaceSlug: true, promptSlug: true, versionNumber: true } }),
		db.$queryRaw<CandidateRow[]>`
			SELECT id, version_number, model_used, stand_in_model, input_data, excerpt, executed_at FROM (
				SELECT r.id, v.version_number, r.model_used, r.stand_in_model, r.input_data, left(ltrim(r.output_data, E' \t\r\n'), ${EXCERPT_SOURCE}) AS excerpt, r.executed_at,
					row_number() OVER (PARTITION BY r.version_id ORDER BY r.executed_at DESC, r.id DESC) AS rank
				FROM execution_history r JOIN prompt_versions v ON v.id = r.version_id
				WHERE r.prompt_id = ${prompt.id}::uuid AND r.status = 'succeeded'
			) ranked
			WHERE rank <= ${CANDIDATES_PER_VERSION}
			ORDER BY executed_at DESC, id DESC`
	]);
	const candidates: Record<number, SampleCandidate[]> = {};
	for (const run of runs) {
		(candidates[run.version_number] ??= []).push({
			id: run.id,
			model: run.model_used,
			standIn: run.stand_in_model,
			variables: runVariables(run.input_data),
			outputExcerpt: answerExcerpt(run.excerpt ?? ''),
			executedAt: new Date(run.executed_at).toISOString()
		});
	}
	const newest = [...publications].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime())[0];
	return {
		prompt: { id: prompt.id, slug: prompt.slug, name: prompt.name, visibility: prompt.visibility, hidden: prompt.hiddenAt !== null, hiddenReason: prompt.hiddenReason },
		versions: versions.map((v) => ({ number: v.versionNumber, message: v.changeNotes, createdAt: v.createdAt.toISOString() })),
		publications: publications.map((p) => ({
			versionNumber: p.version.versionNumber,
			title: p.title,
			publishedAt: p.publishedAt.toISOString(),
			unpublishedAt: p.unpublishedAt?.toISOString() ?? null,
			publishedBy: p.publishedBy?.displayName || p.publishedBy?.username || null,
			live: p.unpublishedAt === null,
			shown: listing?.versionNumber === p.version.versionNumber
		})),
		candidates,
		defaults: newest
			? { title: newest.title, description: newest.description, tags: newest.tags }
			: { title: prompt.name.slice(0, 120), description: prompt.description, tags: libraryTags(prompt.tags) },
		publicPage: listing,
		canPublish: canPublish(member) && prompt.hiddenAt === null
	};
}
