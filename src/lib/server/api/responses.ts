// What the prompt API answers, declared once as zod schemas: prompts.ts infers its response types
// from them and openapi.ts turns them into the OpenAPI document, so the two cannot drift apart.
import { z } from 'zod';
import { draftContentSchema, draftParametersSchema } from '$lib/prompt-doc';
import { API_ERROR_CODES, type ApiErrorCode } from './errors';

const API_ERROR_CODE_NAMES = Object.keys(API_ERROR_CODES) as [ApiErrorCode, ...ApiErrorCode[]];

export const apiErrorSchema = z
	.object({
		error: z.object({
			code: z.enum(API_ERROR_CODE_NAMES).describe('Stable: branch on it, never on the message.'),
			message: z.string().describe('What went wrong, for a person to read.'),
			details: z
				.record(z.string(), z.unknown())
				.optional()
				.describe('Facts about the failure, by code: `missing` (missing_variables), `labels` (unknown_label), `issues` (invalid_request), `retryAfterSeconds` (rate_limited), `errorId` (internal)…')
		})
	})
	.describe('Every error the API answers, whatever its status.');
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export const apiPromptSummarySchema = z
	.object({
		slug: z.string().describe('The prompt in URLs: /api/v1/prompts/{slug}.'),
		name: z.string(),
		description: z.string(),
		tags: z.array(z.string()),
		visibility: z.enum(['workspace', 'public']).describe('Private prompts never appear in the API.'),
		latestVersion: z.number().int().nullable().describe('The newest committed version; null before the first commit.'),
		labels: z.record(z.string(), z.number().int()).describe('Each label and the version number it points at.'),
		updatedAt: z.iso.datetime()
	})
	.describe('One shared prompt of the workspace.');
export type ApiPromptSummary = z.infer<typeof apiPromptSummarySchema>;

export const apiPromptListSchema = z
	.object({ prompts: z.array(apiPromptSummarySchema).describe('Most recently updated first, at most 500.') })
	.describe("The workspace's shared prompts.");
export type ApiPromptList = z.infer<typeof apiPromptListSchema>;

const promptRefSchema = z.object({ slug: z.string(), name: z.string() });

const versionInfoSchema = z.object({
	number: z.number().int().min(1),
	message: z.string().describe('The commit message.'),
	author: z.string().nullable().describe("The author's username; null once the account is gone."),
	createdAt: z.iso.datetime(),
	contentHash: z.string().describe('SHA-256 of the version content: equal hashes, equal prompts.'),
	labels: z.array(z.string()).describe('The labels on this version now.')
});

export const apiPromptVersionSchema = z
	.object({
		prompt: promptRefSchema,
		version: versionInfoSchema,
		resolvedBy: z
			.union([
				z.object({ label: z.string() }),
				z.object({ version: z.number().int() }),
				z.object({ default: z.enum(['production', 'latest']) })
			])
			.describe('How the version was picked: the label asked for, the number asked for, or the default (the version labelled production, else the newest).'),
		content: draftContentSchema.describe('The version: system prompt, user template, few-shot examples, model parameters.'),
		variables: z.array(z.string()).describe('The {{variables}} the user template uses, in order of first use.')
	})
	.describe('One committed version of a prompt.');
export type ApiPromptVersion = z.infer<typeof apiPromptVersionSchema>;

const chatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const apiRenderedSchema = z
	.object({
		prompt: promptRefSchema,
		version: versionInfoSchema,
		text: z.string().describe('The user template with the variables filled in.'),
		chat: z.array(chatMessageSchema).describe('The whole prompt as chat turns: system, each few-shot example as user + assistant, then the rendered user turn.'),
		plain: z.string().describe('The whole prompt as one plain text, for completion models.'),
		parameters: draftParametersSchema.describe("The version's model parameters.")
	})
	.describe('A version rendered with variables.');
export type ApiRendered = z.infer<typeof apiRenderedSchema>;
