// What the prompt API reads: the workspace's prompts (those its members share: private prompts,
// which only their author and owners see in the studio, stay out of the API), one version of a
// prompt by label or number, and that version rendered with variables.
import { z } from 'zod';
import { slugSchema } from '$lib/schemas/prompt';
import { labelNameSchema } from '$lib/schemas/versions';
import { extractVariables, missingVariables, renderTemplate, TemplateError } from '$lib/template';
import type { ApiCaller } from '../api-tokens';
import { prisma } from '../db';
import { formatPrompt } from '../models';
import { versionByNumber } from '../versions';
import { ApiError } from './errors';
import type { ApiPromptSummary, ApiPromptVersion, ApiRendered } from './responses';

// The response types are inferred from the zod schemas the OpenAPI document is built from.
export type { ApiPromptSummary, ApiPromptVersion, ApiRendered };

const shared = { visibility: { not: 'private' as const } };

// The studio's own rule for label names, so the API finds every label a person can set.
const labelSchema = labelNameSchema.optional().describe('The version with this label (e.g. production, staging).');
const versionNumberDescription = 'The version with this number; ask for a label or a version, not both.';
/** How many variables a render request may send; `maxProperties` tells OpenAPI readers the same. */
const MAX_RENDER_VARIABLES = 100;

export const versionQuerySchema = z
	.object({
		label: labelSchema,
		version: z.coerce.number().int('A version is a whole number.').min(1, 'Versions start at 1.').max(1_000_000).optional().describe(versionNumberDescription)
	})
	.refine((q) => !(q.label && q.version), 'Ask for a label or a version, not both.');
export type VersionQuery = z.infer<typeof versionQuerySchema>;

export const renderRequestSchema = z
	.object({
		label: labelSchema,
		version: z.number().int().min(1).max(1_000_000).optional().describe(versionNumberDescription),
		variables: z
			.record(z.string().max(64), z.string().max(100_000, 'A variable holds at most 100,000 characters.'))
			.default({})
			.meta({ description: "Values for the template's {{variables}}; a missing one is a 400 missing_variables.", maxProperties: MAX_RENDER_VARIABLES })
	})
	.strict()
	.refine((q) => !(q.label && q.version), 'Ask for a label or a version, not both.')
	.refine((q) => Object.keys(q.variables).length <= MAX_RENDER_VARIABLES, `At most ${MAX_RENDER_VARIABLES} variables.`);
export type RenderRequest = z.infer<typeof renderRequestSchema>;

export async function listApiPrompts(caller: ApiCaller): Promise<ApiPromptSummary[]> {
	const db = await prisma();
	const rows = await db.prompt.findMany({
		where: { workspaceId: caller.workspaceId, ...shared },
		orderBy: { updatedAt: 'desc' },
		take: 500,
		select: {
			slug: true,
			name: true,
			description: true,
			tags: true,
			visibility: true,
			updatedAt: true,
			versions: { orderBy: { versionNumber: 'desc' }, take: 1, select: { versionNumber: true } },
			labels: { select: { name: true, version: { select: { versionNumber: true } } } }
		}
	});
	return rows.map((row) => ({
		slug: row.slug,
		name: row.name,
		description: row.description,
		tags: row.tags,
		visibility: row.visibility as 'workspace' | 'public',
		latestVersion: row.versions[0]?.versionNumber ?? null,
		labels: Object.fromEntries(row.labels.map((l) => [l.name, l.version.versionNumber])),
		updatedAt: row.updatedAt.toISOString()
	}));
}

/**
 * The version a query names: `label`, `version`, or by default the version labelled `production`,
 * else the newest. A prompt the token may not see is not_found, as one that does not exist.
 */
export async function fetchApiPrompt(caller: ApiCaller, slug: string, query: VersionQuery): Promise<ApiPromptVersion> {
	return (await resolveApiVersion(caller, slug, query)).fetched;
}

/** fetchApiPrompt's answer with the rows it names, for a run to record them without reading them again. */
export async function resolveApiVersion(caller: ApiCaller, slug: string, query: VersionQuery): Promise<{ fetched: ApiPromptVersion; promptId: string; versionId: string }> {
	// What is not a slug names no prompt; asked for, a NUL in it would fail in PostgreSQL instead.
	if (!slugSchema.safeParse(slug).success) throw new ApiError('not_found', `No prompt "${slug}" in this workspace.`);
	const db = await prisma();
	const prompt = await db.prompt.findFirst({
		where: { workspaceId: caller.workspaceId, slug, ...shared },
		select: { id: true, slug: true, name: true, labels: { select: { name: true, version: { select: { versionNumber: true } } } } }
	});
	if (!prompt) throw new ApiError('not_found', `No prompt "${slug}" in this workspace.`);
	const labelled = new Map(prompt.labels.map((l) => [l.name, l.version.versionNumber]));
	let number: number;
	let resolvedBy: ApiPromptVersion['resolvedBy'];
	if (query.label) {
		const found = labelled.get(query.label);
		if (found === undefined) throw new ApiError('unknown_label', `"${slug}" has no label "${query.label}".`, { labels: [...labelled.keys()].sort() });
		number = found;
		resolvedBy = { label: query.label };
	} else if (query.version) {
		number = query.version;
		resolvedBy = { version: query.version };
	} else {
		const production = labelled.get('production');
		const latest = await db.promptVersion.findFirst({ where: { promptId: prompt.id }, orderBy: { versionNumber: 'desc' }, select: { versionNumber: true } });
		if (production === undefined && !latest) throw new ApiError('not_found', `"${slug}" has no committed version yet.`);
		number = production ?? latest!.versionNumber;
		resolvedBy = { default: production !== undefined ? 'production' : 'latest' };
	}
	const version = await versionByNumber(prompt.id, number).catch(() => {
		throw new ApiError('not_found', `"${slug}" has no version ${number}.`);
	});
	const fetched: ApiPromptVersion = {
		prompt: { slug: prompt.slug, name: prompt.name },
		version: { number: version.number, message: version.message, author: version.author, createdAt: version.createdAt, contentHash: version.contentHash, labels: version.labels },
		resolvedBy,
		content: version.content,
		variables: extractVariables(version.content.userPromptTemplate)
	};
	return { fetched, promptId: prompt.id, versionId: version.id };
}

/** 400 missing_variables naming each variable the template needs and `variables` lacks. */
export function requireVariables(template: string, variables: Record<string, unknown>): void {
	const missing = missingVariables(template, variables);
	if (missing.length > 0) throw new ApiError('missing_variables', `Missing ${missing.length === 1 ? 'variable' : 'variables'}: ${missing.join(', ')}.`, { missing });
}

export async function renderApiPrompt(caller: ApiCaller, slug: string, request: RenderRequest): Promise<ApiRendered> {
	const fetched = await fetchApiPrompt(caller, slug, { label: request.label, version: request.version });
	const template = fetched.content.userPromptTemplate;
	requireVariables(template, request.variables);
	let text: string;
	try {
		text = renderTemplate(template, request.variables);
	} catch (error) {
		if (error instanceof TemplateError) throw new ApiError('invalid_request', error.message);
		throw error;
	}
	const chat = formatPrompt('whiterabbitneo', fetched.content, text, 'chat');
	const plain = formatPrompt('codet5p', fetched.content, text, 'text');
	return {
		prompt: fetched.prompt,
		version: fetched.version,
		text,
		chat: chat.format === 'chat' ? chat.messages : [],
		plain: plain.format === 'text' ? plain.text : '',
		parameters: fetched.content.parameters
	};
}
