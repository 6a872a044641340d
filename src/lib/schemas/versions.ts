// Validation of every form about versions, labels and reviews; the server parses each with these.
import { z } from 'zod';

export const PROTECTED_LABEL = 'production';
export const BUILT_IN_LABELS = ['production', 'staging'] as const;

export const LABEL_RULE = 'Label names use 1–40 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.';
export const labelNameSchema = z
	.string({ error: 'Choose a label.' })
	.trim()
	.toLowerCase()
	.min(1, 'Choose a label.')
	.max(40, LABEL_RULE)
	.regex(/^[a-z0-9][a-z0-9._-]*$/, LABEL_RULE);

export const versionNumberSchema = z.coerce
	.number({ error: 'Choose a version.' })
	.int('Choose a version.')
	.min(1, 'Choose a version.')
	.max(2 ** 31 - 1, 'Choose a version.');

export const commitSchema = z.object({
	message: z
		.string({ error: 'Describe what changed.' })
		.trim()
		.min(1, 'Describe what changed.')
		.max(2000, 'Use at most 2,000 characters.')
});

/** A checkbox: "on" when ticked, absent when not. */
const checkbox = z
	.union([z.literal('on'), z.literal('true'), z.literal('')])
	.optional()
	.transform((value) => value === 'on' || value === 'true');

export const restoreSchema = z.object({ version: versionNumberSchema, commit: checkbox });

export const moveLabelSchema = z.object({ label: labelNameSchema, version: versionNumberSchema });

export const proposeReviewSchema = z.object({
	version: versionNumberSchema,
	label: labelNameSchema,
	title: z.string().trim().max(200, 'Use at most 200 characters.').default('')
});

export const COMMENT_FIELDS = ['system', 'template', 'examples', 'parameters'] as const;
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

export const commentSchema = z
	.object({
		body: z.string({ error: 'Write a comment.' }).trim().min(1, 'Write a comment.').max(5000, 'Use at most 5,000 characters.'),
		field: z.preprocess(emptyAsUndefined, z.enum(COMMENT_FIELDS, { error: 'Choose a part of the prompt.' }).optional()),
		side: z.preprocess(emptyAsUndefined, z.enum(['old', 'new'], { error: 'Choose the old or the new side.' }).optional()),
		line: z.preprocess(emptyAsUndefined, z.coerce.number().int('Choose a line.').min(1, 'Choose a line.').max(100_000).optional())
	})
	.refine((c) => (c.field === undefined) === (c.line === undefined), {
		path: ['line'],
		message: 'A line comment needs both a part of the prompt and a line.'
	})
	.transform((c) => (c.field && c.line ? { body: c.body, anchor: { field: c.field, side: c.side ?? ('new' as const), line: c.line } } : { body: c.body, anchor: null }));
export type CommentInput = z.infer<typeof commentSchema>;

/** version_reviews.status: open until verdicts approve it or ask for changes; merged or closed at the end. */
export const reviewStatusSchema = z.enum(['open', 'approved', 'changes_requested', 'merged', 'closed']);
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

/** review_decisions.verdict. */
export const reviewVerdictSchema = z.enum(['approve', 'request_changes'], { error: 'Choose approve or request changes.' });
export type ReviewVerdict = z.infer<typeof reviewVerdictSchema>;

export const verdictSchema = z.object({ verdict: reviewVerdictSchema });

/** Actions whose button is the whole form (merge, close). */
export const emptyFormSchema = z.object({});

export const protectProductionSchema = z.object({ protectProduction: checkbox });

/** The diff page's query: a version number or "draft" on each side, the view, and how much context. */
const diffSide = z.union([z.literal('draft'), versionNumberSchema]);
export const diffQuerySchema = z.object({
	from: diffSide,
	to: diffSide.default('draft'),
	view: z.enum(['split', 'inline']).catch('split'),
	context: z.enum(['3', 'all']).catch('3')
});
export type DiffSide = z.infer<typeof diffSide>;
