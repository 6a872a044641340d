import { z } from 'zod';

export const VISIBILITIES = ['private', 'workspace', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const SLUG_RULE = 'Use lower-case letters, digits and single dashes (at most 64).';
export const slugSchema = z
	.string()
	.trim()
	.max(64, SLUG_RULE)
	.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, SLUG_RULE);

export const MAX_TAGS = 12;
const tagsSchema = z
	.string()
	.max(600, 'Too many tags.')
	.default('')
	.transform((raw) => [...new Set(raw.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))])
	.pipe(
		z
			.array(z.string().max(32, 'Each tag is at most 32 characters.').regex(/^[\p{L}\p{N}][\p{L}\p{N} ._+#-]*$/u, 'Tags use letters, digits, spaces and . _ + # -'))
			.max(MAX_TAGS, `Use at most ${MAX_TAGS} tags.`)
	);

/** Title, slug and the descriptive fields a person edits before the body editor exists. */
export const promptMetaSchema = z.object({
	name: z.string({ error: 'Enter a title.' }).trim().min(1, 'Enter a title.').max(120, 'Use at most 120 characters.'),
	slug: z.union([z.literal(''), slugSchema]).default(''),
	description: z.string().trim().max(2000, 'Use at most 2,000 characters.').default(''),
	category: z.string().trim().max(64, 'Use at most 64 characters.').default(''),
	useCase: z.string().trim().max(500, 'Use at most 500 characters.').default(''),
	tags: tagsSchema,
	visibility: z.enum(VISIBILITIES, { error: 'Choose private, workspace or public.' }).default('workspace')
});
export type PromptMetaInput = z.infer<typeof promptMetaSchema>;

export const promptFiltersSchema = z.object({
	q: z.string().trim().max(200).catch(''),
	category: z.string().trim().max(64).catch(''),
	tag: z.string().trim().max(32).catch(''),
	visibility: z.union([z.enum(VISIBILITIES), z.literal('')]).catch('')
});
export type PromptFilters = z.infer<typeof promptFiltersSchema>;

/** Derives a slug from a title: "Security review (v2)" → "security-review-v2". */
export function slugify(text: string): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 64)
		.replace(/-+$/g, '');
	return slug || 'prompt';
}
