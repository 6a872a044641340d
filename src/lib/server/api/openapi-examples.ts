// The OpenAPI document's examples: one code-review prompt followed through every endpoint, and one
// error per code. Typed by the same schemas' types, so an example that stops fitting fails to compile
// (and the OpenAPI tests parse each one with the endpoint's own schema).
import type { z } from 'zod';
import type { apiRunRequestSchema, ApiRunEvent, ApiRunResult } from '$lib/api/run-stream';
import type { ApiErrorCode } from './errors';
import type { renderRequestSchema } from './prompts';
import type { ApiErrorBody, ApiPromptList, ApiPromptVersion, ApiRendered } from './responses';

const slug = 'code-review';
const systemPrompt = 'You are a senior engineer reviewing code. Name each problem, why it matters and the fix, in at most five bullet points.';
const userPromptTemplate = 'Review this {{language}} code for {{focus}}:\n\n{{code}}';
const variables = { language: 'python', focus: 'security', code: 'def load(path):\n    return pickle.load(open(path, "rb"))' };
const text = userPromptTemplate.replace(/\{\{(\w+)\}\}/g, (_, name: keyof typeof variables) => variables[name]);
const version = {
	number: 3,
	message: 'Ask for the fix with each problem',
	author: 'maria',
	createdAt: '2025-05-12T09:30:00.000Z',
	contentHash: '5f2c8e1a9b7d4c3e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f67',
	labels: ['production']
};
const parameters = { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 512 };
const executionId = '0b6f3c2e-5d1a-4c8e-9f2b-7a4d1e6c3b90';
const review = '- `pickle.load` runs arbitrary code from the file: load JSON, or verify a signature first.\n- The file is never closed: use `with open(path, "rb") as f`.';

export const promptListExample: ApiPromptList = {
	prompts: [
		{
			slug,
			name: 'Code review',
			description: 'Reviews a snippet for bugs, security issues and style.',
			tags: ['review', 'security'],
			visibility: 'workspace',
			latestVersion: 4,
			labels: { production: 3, staging: 4 },
			updatedAt: '2025-05-14T16:02:11.000Z'
		}
	]
};

export const promptVersionExample: ApiPromptVersion = {
	prompt: { slug, name: 'Code review' },
	version,
	resolvedBy: { label: 'production' },
	content: { systemPrompt, userPromptTemplate, fewShotExamples: [], parameters },
	variables: ['language', 'focus', 'code']
};

/** Request examples, each typed by the input of the schema that validates it. */
export const renderRequestExamples: Record<string, { summary: string; value: z.input<typeof renderRequestSchema> }> = {
	production: { summary: 'The production version with its variables', value: { label: 'production', variables } },
	version: { summary: 'Version 4 by number', value: { version: 4, variables } }
};

export const renderedExample: ApiRendered = {
	prompt: { slug, name: 'Code review' },
	version,
	text,
	chat: [
		{ role: 'system', content: systemPrompt },
		{ role: 'user', content: text }
	],
	plain: `${systemPrompt}\n\n${text}`,
	parameters
};

export const runRequestExamples: Record<string, { summary: string; value: z.input<typeof apiRunRequestSchema> }> = {
	stream: {
		summary: 'Stream the production version, deterministic (cached)',
		value: { label: 'production', variables, model: 'whiterabbitneo', parameters: { temperature: 0, maxTokens: 256 } }
	},
	json: { summary: 'One JSON body when the run ends (stream: false)', value: { version: 4, variables, stream: false, cacheMode: 'never' } }
};

export const runResultExample: ApiRunResult = {
	executionId,
	status: 'succeeded',
	text: review,
	finishReason: 'stop',
	error: null,
	cacheOutcome: 'miss',
	timeToFirstTokenMs: 412,
	latencyMs: 3870,
	promptTokens: 64,
	completionTokens: 41
};

/** One run as it streams: started, a wake-up wait, tokens in order, done. */
export const runEventExamples: ApiRunEvent[] = [
	{ event: 'started', data: { executionId, model: 'whiterabbitneo', standIn: null, prompt: `[system]\n${systemPrompt}\n\n[user]\n${text}`, version: 3 } },
	{ event: 'waiting', data: { message: 'The model is waking up: trying again in 10 s.', attempt: 1, delaySeconds: 10 } },
	{ event: 'token', data: { seq: 1, text: '- `pickle' } },
	{ event: 'token', data: { seq: 2, text: '.load` runs' } },
	{ event: 'done', data: runResultExample }
];

/** One example per error code, with the message and details the API really sends for it. */
export const errorExamples: Record<ApiErrorCode, { summary: string; body: ApiErrorBody }> = {
	unauthorized: { summary: 'No token, or an unknown, revoked or expired one', body: { error: { code: 'unauthorized', message: 'The API token is unknown, revoked or expired.' } } },
	insufficient_scope: {
		summary: 'The token lacks the scope',
		body: { error: { code: 'insufficient_scope', message: 'This token lacks the "run" scope.', details: { needed: 'run', granted: ['read'] } } }
	},
	forbidden: {
		summary: "The token's creator is no longer an owner of its workspace",
		body: {
			error: {
				code: 'forbidden',
				message: "This token's creator is no longer an owner of its workspace, so the token no longer works: an owner can create a new one."
			}
		}
	},
	not_found: { summary: 'No such prompt (or a private one), or no such version', body: { error: { code: 'not_found', message: `No prompt "${slug}" in this workspace.` } } },
	unknown_label: {
		summary: 'The prompt has no such label',
		body: { error: { code: 'unknown_label', message: `"${slug}" has no label "canary".`, details: { labels: ['production', 'staging'] } } }
	},
	invalid_request: {
		summary: 'The body or query does not fit the schema',
		body: { error: { code: 'invalid_request', message: 'Ask for a label or a version, not both.', details: { issues: [{ path: '', message: 'Ask for a label or a version, not both.' }] } } }
	},
	missing_variables: {
		summary: 'The template needs variables the body lacks',
		body: { error: { code: 'missing_variables', message: 'Missing variables: focus, code.', details: { missing: ['focus', 'code'] } } }
	},
	conflict: { summary: 'The resource changed meanwhile', body: { error: { code: 'conflict', message: 'The prompt changed meanwhile: fetch it again.' } } },
	rate_limited: {
		summary: 'Too many requests (or runs) with this token',
		body: { error: { code: 'rate_limited', message: 'Too many requests with this token: try again in 12 s.', details: { retryAfterSeconds: 12 } } }
	},
	internal: {
		summary: 'An unexpected failure, logged with an id',
		body: { error: { code: 'internal', message: 'The request failed on the server (error id 7c1e4f52-3a9d-4b6e-8f21-0d5c9a7b3e14).', details: { errorId: '7c1e4f52-3a9d-4b6e-8f21-0d5c9a7b3e14' } } }
	},
	model_unavailable: {
		summary: 'The model has no endpoint and no stand-in',
		body: { error: { code: 'model_unavailable', message: 'codet5p has no endpoint configured and no stand-in model.', details: { model: 'codet5p' } } }
	},
	database_unreachable: {
		summary: 'The database cannot be reached for now (with Retry-After)',
		body: { error: { code: 'database_unreachable', message: 'The database is unreachable right now. The studio keeps trying; please try again in a moment.' } }
	}
};
