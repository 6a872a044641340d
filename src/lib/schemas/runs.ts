// The words of a run, declared once for the database, the wire and the pages (each equals Prisma's
// enum of the same column, checked at compile time in $lib/server/db/vocabulary.ts); the run
// history's query (filters and page from the URL) and the rating form. A bad value in the URL means
// "no such filter", never a 400: a hand-edited or stale link still shows the history.
import { z } from 'zod';
import { MODEL_IDS } from '$lib/models';

/** execution_history.status: a run is running until it ends one of the other three ways. */
export const runStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const RUN_STATUSES = runStatusSchema.options;

/** How a run ended: every status but running. */
export const finishedRunStatusSchema = runStatusSchema.exclude(['running']);
export type FinishedRunStatus = z.infer<typeof finishedRunStatusSchema>;

/** execution_history.source: what started a run (a session, the prompt API or an evaluation). */
export const runOriginSchema = z.enum(['studio', 'api', 'evaluation']);
export type RunOriginKind = z.infer<typeof runOriginSchema>;

/** execution_history.cache_outcome: the cache answered the run (hit), was asked and missed, or was not asked (skip). */
export const cacheOutcomeSchema = z.enum(['hit', 'miss', 'skip']);
export type CacheOutcome = z.infer<typeof cacheOutcomeSchema>;
export const CACHE_OUTCOMES = cacheOutcomeSchema.options;

/** execution_history.cache_mode: whether a run may be answered from and stored in the cache. */
export const cacheModeSchema = z.enum(['auto', 'always', 'never']);
export type CacheMode = z.infer<typeof cacheModeSchema>;

/** Runs on one page of the history. */
export const RUNS_PAGE_SIZE = 50;

const none = z.literal('');
const anyOf = <T extends z.ZodEnum>(word: T) => z.union([word, none]).catch('');

/** A calendar day as an <input type="date"> sends it; an impossible day (2024-02-31) is no filter. */
const day = z
	.string()
	.trim()
	.regex(/^\d{4}-\d{2}-\d{2}$/)
	.refine((value) => {
		const date = new Date(`${value}T00:00:00Z`);
		return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
	})
	.or(none)
	.catch('');

export const runFiltersSchema = z.object({
	prompt: z
		.string()
		.trim()
		.toLowerCase()
		.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
		.max(64)
		.or(none)
		.catch(''),
	model: anyOf(z.enum(MODEL_IDS)),
	status: anyOf(runStatusSchema),
	cache: anyOf(cacheOutcomeSchema),
	/** A username, matched case-insensitively as sign-in does. */
	user: z.string().trim().max(32).catch(''),
	session: z.uuid().or(none).catch(''),
	/** UTC days, both included. */
	from: day,
	to: day
});
export type RunFilters = z.infer<typeof runFiltersSchema>;

/** Where a page starts: after (older than) or before (newer than) a run, by its time and id. */
export interface RunCursor {
	at: Date;
	id: string;
}

export type RunPage = { before?: RunCursor; after?: RunCursor };

/** A cursor travels as `<epoch ms>_<run id>`. */
export function encodeCursor(cursor: RunCursor): string {
	return `${cursor.at.getTime()}_${cursor.id}`;
}

const cursorSchema = z
	.string()
	.regex(/^\d{1,15}_[0-9a-f-]{36}$/i)
	.transform((raw, ctx) => {
		const [ms, id] = raw.split('_') as [string, string];
		const at = new Date(Number(ms));
		if (Number.isNaN(at.getTime()) || !z.uuid().safeParse(id).success) {
			ctx.addIssue({ code: 'custom', message: 'Not a cursor.' });
			return z.NEVER;
		}
		return { at, id: id.toLowerCase() };
	});

const pageSchema = z.object({
	/** Show runs older than this one (the "Older" link). */
	older: cursorSchema.optional().catch(undefined),
	/** Show runs newer than this one (the "Newer" link). */
	newer: cursorSchema.optional().catch(undefined)
});

/** The history page's filters and page from its URL; anything unreadable is left out. */
export function parseRunQuery(params: URLSearchParams): { filters: RunFilters; page: RunPage } {
	const raw = Object.fromEntries(params);
	const filters = runFiltersSchema.parse(raw);
	const { older, newer } = pageSchema.parse(raw);
	// Both at once is a hand-made URL: the older-than cursor wins.
	return { filters, page: older ? { before: older } : newer ? { after: newer } : {} };
}

/** True when any filter narrows the list. */
export const isFiltered = (filters: RunFilters) => Object.values(filters).some(Boolean);

export const RATING_RULE = 'Choose 1 to 5 stars.';
export const RATING_COMMENT_MAX = 2000;

export const runRatingSchema = z.object({
	rating: z.coerce.number({ error: RATING_RULE }).int(RATING_RULE).min(1, RATING_RULE).max(5, RATING_RULE),
	comment: z
		.string({ error: 'The comment must be text.' })
		.trim()
		.max(RATING_COMMENT_MAX, 'Use at most 2,000 characters in the comment.')
		.default('')
});
export type RunRatingInput = z.input<typeof runRatingSchema>;
export type RunRating = z.output<typeof runRatingSchema>;
