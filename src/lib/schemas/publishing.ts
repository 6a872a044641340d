// The forms and queries of the public library: publishing a version, searching the library,
// starring, forking, reporting abuse and a site admin hiding a prompt. Shared by pages, the server
// and tests; the server parses every one of them (never trusts what a browser sends).
import { z } from 'zod';
import { MODEL_IDS } from '$lib/models';
import { MAX_TAGS, slugSchema } from './prompt';

export const PUBLISH_LIMITS = {
	title: 120,
	description: 2000,
	tags: MAX_TAGS,
	tag: 32,
	/** Sample outputs a publisher may pick from the version's runs. */
	samples: 3,
	/** Characters of a sample output kept on the public page. */
	sampleOutput: 8000,
	query: 200,
	pageSize: 20,
	/** Pages a visitor may page through (deeper pages cost the database more than they give). */
	maxPage: 500,
	reportReason: 2000
} as const;

/** Lower-case letters, digits, and . _ + # - inside: tags end up in URLs and filters. */
export const publicTagSchema = z
	.string()
	.trim()
	.toLowerCase()
	.min(1)
	.max(PUBLISH_LIMITS.tag, `Each tag is at most ${PUBLISH_LIMITS.tag} characters.`)
	.regex(/^[\p{L}\p{N}][\p{L}\p{N}._+#-]*$/u, 'Tags use letters, digits and . _ + # - (no spaces).');

const checkboxList = z.union([z.string(), z.array(z.string())]).transform((value) => (Array.isArray(value) ? value : [value]));

/**
 * Publishing a committed version. `tags` arrive comma-separated from the form; `sampleRunIds`
 * (repeated checkbox `sampleRunIds`) must be succeeded runs of that same version (checked on the server).
 */
export const publishSchema = z.object({
	versionNumber: z.coerce.number({ error: 'Choose a version.' }).int().min(1, 'Choose a version.'),
	title: z.string({ error: 'Enter a title.' }).trim().min(1, 'Enter a title.').max(PUBLISH_LIMITS.title, `Use at most ${PUBLISH_LIMITS.title} characters.`),
	description: z.string().trim().max(PUBLISH_LIMITS.description, `Use at most ${PUBLISH_LIMITS.description} characters.`).default(''),
	tags: z
		.string()
		.max(600, 'Too many tags.')
		.default('')
		.transform((raw) => [...new Set(raw.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))])
		.pipe(z.array(publicTagSchema).max(PUBLISH_LIMITS.tags, `Use at most ${PUBLISH_LIMITS.tags} tags.`)),
	sampleRunIds: checkboxList
		.pipe(z.array(z.uuid('Pick runs from the list.')).max(PUBLISH_LIMITS.samples, `Pick at most ${PUBLISH_LIMITS.samples} sample outputs.`))
		.default([])
});
export type PublishInput = z.infer<typeof publishSchema>;

/**
 * How a search excerpt marks the matched words: private-use characters, which no HTML parser reads
 * as markup; the page turns the marked parts into <mark> elements (the server strips these two
 * characters from the text first, so only matches carry them).
 */
export const EXCERPT_MARK = { start: '\uE000', end: '\uE001' } as const;

export const LIBRARY_SORTS = ['relevance', 'newest', 'stars', 'trending'] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

/**
 * The library's URL query. Anything malformed falls back to its default rather than failing: a
 * shared link with a stale parameter still shows the library. `relevance` needs a query; without
 * one the library sorts by newest.
 */
export const libraryQuerySchema = z
	.object({
		q: z.string().trim().max(PUBLISH_LIMITS.query).catch(''),
		sort: z.enum(LIBRARY_SORTS).optional().catch(undefined),
		tag: z.union([z.literal(''), publicTagSchema]).catch(''),
		model: z.union([z.literal(''), z.enum(MODEL_IDS)]).catch(''),
		page: z.coerce.number().int().min(1).max(PUBLISH_LIMITS.maxPage).catch(1)
	})
	.transform((query) => ({ ...query, sort: query.sort === undefined || (query.sort === 'relevance' && !query.q) ? (query.q ? 'relevance' : 'newest') : query.sort }) as LibraryQuery);
export interface LibraryQuery {
	q: string;
	sort: LibrarySort;
	tag: string;
	model: '' | (typeof MODEL_IDS)[number];
	page: number;
}

/** Forking a published version into one of the user's workspaces (where they are editor or owner). */
export const forkSchema = z.object({
	workspace: slugSchema,
	versionNumber: z.coerce.number().int().min(1).optional()
});
export type ForkInput = z.infer<typeof forkSchema>;

export const reportSchema = z.object({
	reason: z
		.string({ error: 'Say what is wrong with this prompt.' })
		.trim()
		.min(10, 'Say what is wrong with this prompt (at least 10 characters).')
		.max(PUBLISH_LIMITS.reportReason, `Use at most ${PUBLISH_LIMITS.reportReason} characters.`)
});

export const hideSchema = z.object({
	reason: z.string({ error: 'Give a reason.' }).trim().min(1, 'Give a reason.').max(500, 'Use at most 500 characters.')
});

/** Unpublishing one published version from the Publish tab. */
export const unpublishSchema = z.object({
	version: z.coerce.number({ error: 'Choose a version.' }).int().min(1, 'Choose a version.')
});

/** A site admin's action on one prompt (Hide carries hideSchema's reason too). */
export const moderatedPromptSchema = z.object({ promptId: z.uuid('Choose a prompt from the list.') });
export const hidePromptSchema = hideSchema.extend(moderatedPromptSchema.shape);
export const dismissReportSchema = z.object({ reportId: z.uuid('Choose a report from the list.') });
/** Granting or revoking the site admin role. */
export const siteAdminSchema = z.object({
	username: z.string({ error: 'Enter a username.' }).trim().min(1, 'Enter a username.').max(32, 'Usernames have at most 32 characters.')
});

// What publishing stores and shows. A publication is one published version of a prompt, fixed when
// published; public_prompts holds the newest published version of each prompt for the library. Neither
// ever holds an endpoint, header, token or user id: a public prompt carries text, variables and parameters only.

/** One sample output as copied from a run when the version was published (publications.samples). */
export const sampleOutputSchema = z.object({
	model: z.enum(MODEL_IDS),
	/** The embedded model that stood in for it, when the run had no endpoint. */
	standIn: z.string().max(200).nullable(),
	variables: z.record(z.string(), z.string()),
	output: z.string()
});
export type SampleOutput = z.infer<typeof sampleOutputSchema>;

/**
 * What "Tried on" lists (publications.models_tried, public_prompts.models): the model that answered
 * each of the version's runs. A model answering through its own endpoint is its id; the embedded
 * stand-in answering in a model's place is `stand-in:<its id>` (never the model it stood in for: it
 * was not tried on that one). The library's model filter matches the ids only.
 */
export const STAND_IN_PREFIX = 'stand-in:';

export type TriedOn = { kind: 'model'; model: (typeof MODEL_IDS)[number] } | { kind: 'stand-in'; name: string };

/** The "Tried on" entry of one run, as execution_history recorded it. */
export function triedOnEntry(run: { model: string; standIn: string | null }): string {
	return run.standIn ? `${STAND_IN_PREFIX}${run.standIn}` : run.model;
}

/** An entry read back; null for one the studio does not know (a model no longer offered). */
export function readTriedOn(entry: string): TriedOn | null {
	if (entry.startsWith(STAND_IN_PREFIX)) {
		const name = entry.slice(STAND_IN_PREFIX.length);
		return name ? { kind: 'stand-in', name } : null;
	}
	return (MODEL_IDS as readonly string[]).includes(entry) ? { kind: 'model', model: entry as (typeof MODEL_IDS)[number] } : null;
}

/** Entries in the order pages list them: the models first, then the stand-ins, each alphabetically. */
export function sortTriedOn(entries: Iterable<string>): string[] {
	return [...new Set(entries)].sort((a, b) => Number(a.startsWith(STAND_IN_PREFIX)) - Number(b.startsWith(STAND_IN_PREFIX)) || a.localeCompare(b));
}

/** A row of the library's listing. */
export interface PublicPromptCard {
	/** /library/<workspaceSlug>/<promptSlug> */
	workspaceSlug: string;
	promptSlug: string;
	title: string;
	description: string;
	tags: string[];
	models: string[];
	authorName: string;
	versionNumber: number;
	publishedAt: string;
	starCount: number;
	forkCount: number;
	/** The start of the text (or, for a search, the best matching part), as plain text. */
	excerpt: string;
}

export interface LibraryPage {
	cards: PublicPromptCard[];
	/** Total matches (capped by the count the query could afford: see `totalIsEstimate`). */
	total: number;
	/** True when more prompts match than were counted: `total` is then a lower bound ("10,000+"). */
	totalIsEstimate: boolean;
	/**
	 * Set when a search matched too many prompts to rank them all: relevance then ranks this many of
	 * the newest matches (and the pages reach that far); null when every match was ranked.
	 */
	rankedAmong: number | null;
	page: number;
	pageCount: number;
}
