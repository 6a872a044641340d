// The prompt API's OpenAPI 3.1 document, built with zod's own z.toJSONSchema from the schemas that
// validate requests (input side) and type responses (output side), so the document cannot describe
// an API other than the one that runs. Built once per process; /api/openapi.json and /api/docs serve it.
import { z } from 'zod';
import { apiRunEventSchemas, apiRunRequestSchema, formatSseEvent, type ApiRunEventName } from '$lib/api/run-stream';
import type { ApiScope } from '$lib/schemas/api-tokens';
import { slugSchema } from '$lib/schemas/prompt';
import { config } from '../config';
import { generationSettings } from '../generation';
import { API_ERROR_CODES, type ApiErrorCode } from './errors';
import * as examples from './openapi-examples';
import { renderRequestSchema, versionQuerySchema } from './prompts';
import { apiErrorSchema, apiPromptListSchema, apiPromptSummarySchema, apiPromptVersionSchema, apiRenderedSchema } from './responses';

export type JsonSchema = { [keyword: string]: unknown };
export interface ExampleObject {
	summary?: string;
	value: unknown;
	/** On error examples: the HTTP status that code always has. */
	'x-http-status'?: number;
}
export type Ref = { $ref: string };
export interface MediaTypeObject {
	schema: JsonSchema;
	examples?: Record<string, ExampleObject | Ref>;
	/** Server-sent events only: each event's name, meaning and data schema. */
	'x-sse-events'?: { name: string; description: string; schema: JsonSchema }[];
}
export interface HeaderObject {
	description: string;
	schema: JsonSchema;
}
export interface ResponseObject {
	description: string;
	headers?: Record<string, HeaderObject>;
	content?: Record<string, MediaTypeObject>;
}
export interface ParameterObject {
	name: string;
	in: 'path' | 'query';
	required: boolean;
	description?: string;
	schema: JsonSchema;
	example?: unknown;
}
export interface OperationObject {
	operationId: string;
	summary: string;
	description: string;
	tags: string[];
	security: { bearerAuth: ApiScope[] }[];
	parameters?: ParameterObject[];
	requestBody?: { required: boolean; description: string; content: Record<string, MediaTypeObject> };
	responses: Record<string, ResponseObject>;
}
export type HttpMethod = 'get' | 'post';
export interface OpenApiDocument {
	openapi: '3.1.0';
	info: { title: string; version: string; description: string };
	servers: { url: string; description: string }[];
	tags: { name: string; description: string }[];
	security: { bearerAuth: ApiScope[] }[];
	paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
	components: {
		securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }>;
		schemas: Record<string, JsonSchema>;
		examples: Record<string, ExampleObject>;
	};
}

/** The schemas the document names, with the zod schema each comes from. */
export const REQUEST_SCHEMAS = { RenderRequest: renderRequestSchema, RunRequest: apiRunRequestSchema } as const;
const EVENT_COMPONENTS: Record<ApiRunEventName, string> = { started: 'RunStarted', waiting: 'RunWaiting', token: 'RunToken', done: 'RunDone' };
export const RESPONSE_SCHEMAS = {
	Error: apiErrorSchema,
	PromptSummary: apiPromptSummarySchema,
	PromptList: apiPromptListSchema,
	PromptVersion: apiPromptVersionSchema,
	RenderedPrompt: apiRenderedSchema,
	...(Object.fromEntries(Object.entries(EVENT_COMPONENTS).map(([event, id]) => [id, apiRunEventSchemas[event as ApiRunEventName]])) as Record<string, z.ZodType>)
} as const;

const ref = (component: string): Ref => ({ $ref: `#/components/schemas/${component}` });
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** zod's JSON Schema, made for a reader: no per-schema `$schema`/`$id`, no ±2⁵³ bounds, no regex where a format says it. */
function tidy({ jsonSchema }: { jsonSchema: JsonSchema }): void {
	if (jsonSchema.minimum === -MAX_SAFE) delete jsonSchema.minimum;
	if (jsonSchema.maximum === MAX_SAFE) delete jsonSchema.maximum;
	if (jsonSchema.format === 'date-time' || jsonSchema.format === 'uuid') delete jsonSchema.pattern;
}

function componentSchemas(entries: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
	const registry = z.registry<{ id: string }>();
	for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
	const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => ref(id).$ref, override: tidy });
	if ('__shared' in schemas) throw new Error('A schema of the prompt API needs shared $defs; register it as a component.');
	return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema as JsonSchema]));
}

function inlineSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, override: tidy }) as JsonSchema;
	return rest;
}

/** `?label=` and `?version=`, each a parameter with its own schema from versionQuerySchema. */
function versionQueryParameters(): ParameterObject[] {
	const query = inlineSchema(versionQuerySchema, 'input') as { properties: Record<string, JsonSchema>; required?: string[] };
	const example: Record<string, unknown> = { label: 'production', version: 4 };
	return Object.entries(query.properties).map(([name, { description, ...schema }]) => ({
		name,
		in: 'query',
		required: query.required?.includes(name) ?? false,
		description: description as string,
		schema,
		example: example[name]
	}));
}

const slugParameter = (): ParameterObject => ({
	name: 'slug',
	in: 'path',
	required: true,
	description: "The prompt's slug, as GET /api/v1/prompts lists it.",
	schema: inlineSchema(slugSchema, 'input'),
	example: 'code-review'
});

const errorExampleName = (code: ApiErrorCode) => `error-${code}`;

/** Every status the codes can answer with, each listing its codes' examples. */
function errorResponses(codes: ApiErrorCode[]): Record<string, ResponseObject> {
	const responses: Record<string, ResponseObject> = {};
	for (const code of codes) {
		const status = String(API_ERROR_CODES[code]);
		const response = (responses[status] ??= { description: '', content: { 'application/json': { schema: ref('Error'), examples: {} } } });
		response.description = response.description ? `${response.description}, \`${code}\`` : `Error \`${code}\``;
		response.content!['application/json']!.examples![code] = { $ref: `#/components/examples/${errorExampleName(code)}` };
		if (code === 'unauthorized') {
			response.headers = { 'WWW-Authenticate': { description: 'The bearer challenge: `Bearer realm="CodeTuneStudio prompt API"`.', schema: { type: 'string' } } };
		}
		if (code === 'rate_limited') {
			response.headers = { 'Retry-After': { description: 'Seconds to wait before the next request with this token.', schema: { type: 'integer', minimum: 1 } } };
		}
	}
	return responses;
}

/**
 * Every endpoint may answer these: the bearer check, the scope, a token whose creator is no longer an
 * owner of its workspace, the per-token rate, an unexpected failure, the database out of reach.
 */
const EVERY_ENDPOINT: ApiErrorCode[] = ['unauthorized', 'insufficient_scope', 'forbidden', 'rate_limited', 'internal', 'database_unreachable'];

interface OperationSpec {
	method: HttpMethod;
	path: string;
	operationId: string;
	summary: string;
	description: string;
	scope: ApiScope;
	parameters: ParameterObject[];
	requestBody?: OperationObject['requestBody'];
	success: ResponseObject;
	/** Besides EVERY_ENDPOINT's. */
	errors: ApiErrorCode[];
}

const json = (schema: JsonSchema, named: Record<string, { summary: string; value: unknown }>): Record<string, MediaTypeObject> => ({
	'application/json': { schema, examples: named }
});

const EVENT_DESCRIPTIONS: Record<ApiRunEventName, string> = {
	started: 'first: the run is recorded and going, with the prompt as sent',
	waiting: 'the model is waking up; the run retries by itself',
	token: 'the next piece of text, `seq` 1, 2, 3… without gaps',
	done: 'last: how the run ended, with its whole text'
};

function runStreamContent(): MediaTypeObject {
	const events = (Object.keys(apiRunEventSchemas) as ApiRunEventName[]).map((name) => ({
		name,
		description: EVENT_DESCRIPTIONS[name],
		schema: ref(EVENT_COMPONENTS[name])
	}));
	return {
		// Each event of the stream, not the body as one value: the body is text, a sequence of these.
		schema: {
			description:
				'Server-sent events, each `event: <name>` and one `data:` line of JSON: ' +
				events.map((e) => `\`${e.name}\` (${e.description})`).join('; ') +
				'. The stream always ends with exactly one `done`. Lines starting with `:` are keep-alive comments. ' +
				'OpenAPI 3.1 has no model for an event stream: `oneOf` lists each event as `{event, data}` and `x-sse-events` names each data schema.',
			oneOf: events.map((e) => ({
				title: e.name,
				type: 'object',
				properties: { event: { const: e.name }, data: e.schema },
				required: ['event', 'data']
			}))
		},
		'x-sse-events': events,
		examples: { stream: { summary: 'A run that waits for the model to wake up, then streams', value: examples.runEventExamples.map(formatSseEvent).join('') } }
	};
}

function operations(): OperationSpec[] {
	return [
		{
			method: 'get',
			path: '/api/v1/prompts',
			operationId: 'listPrompts',
			summary: "List the workspace's prompts",
			description: "The token's workspace's shared prompts (private ones never appear), most recently updated first: slug, name, description, tags, latest version and labels.",
			scope: 'read',
			parameters: [],
			success: { description: "The workspace's shared prompts.", content: json(ref('PromptList'), { list: { summary: 'One prompt with two labels', value: examples.promptListExample } }) },
			errors: []
		},
		{
			method: 'get',
			path: '/api/v1/prompts/{slug}',
			operationId: 'getPrompt',
			summary: 'Fetch one version of a prompt',
			description: 'The version `?label=` names or `?version=` numbers; with neither, the version labelled `production`, else the newest. `resolvedBy` says which rule picked it.',
			scope: 'read',
			parameters: [slugParameter(), ...versionQueryParameters()],
			success: { description: 'The version: content, the variables it uses, how it was picked.', content: json(ref('PromptVersion'), { label: { summary: 'By label', value: examples.promptVersionExample } }) },
			errors: ['invalid_request', 'not_found', 'unknown_label']
		},
		{
			method: 'post',
			path: '/api/v1/prompts/{slug}/render',
			operationId: 'renderPrompt',
			summary: 'Render a version with variables',
			description: 'Fills the version’s template with `variables` and answers it as text, as chat turns and as one plain prompt. A variable the template uses and the body lacks is a 400 `missing_variables` naming each.',
			scope: 'read',
			parameters: [slugParameter()],
			requestBody: { required: true, description: 'Which version (label or number, default production) and the variables.', content: json(ref('RenderRequest'), examples.renderRequestExamples) },
			success: { description: 'The version rendered.', content: json(ref('RenderedPrompt'), { rendered: { summary: 'The production version rendered', value: examples.renderedExample } }) },
			errors: ['invalid_request', 'missing_variables', 'not_found', 'unknown_label']
		},
		{
			method: 'post',
			path: '/api/v1/prompts/{slug}/run',
			operationId: 'runPrompt',
			summary: 'Run a version on a model',
			description:
				'Renders the version with `variables` and runs it on one model, recorded in the workspace’s run history like a studio run (and answered from the cache under the same rules). ' +
				'With `stream: true` (the default) the answer is `text/event-stream`; with `stream: false`, one JSON body (the `done` event’s data) when the run ends. ' +
				'A client that disconnects mid-stream cancels its run. Each run also counts against the token’s runs a minute, besides its requests (over it: 429 `rate_limited` with `Retry-After`). ' +
				'Errors before the stream starts use the JSON error shape; a model failure afterwards ends the stream with `done` and `status: failed`.',
			scope: 'run',
			parameters: [slugParameter()],
			requestBody: { required: true, description: 'Which version, its variables, the model, parameter overrides, cache mode and whether to stream.', content: json(ref('RunRequest'), examples.runRequestExamples) },
			success: {
				description: 'The run: a stream of events, or its result as JSON with `stream: false`.',
				headers: { 'X-Execution-Id': { description: "Streamed answers only: the run's id in the run history, as the `started` event gives it.", schema: { type: 'string', format: 'uuid' } } },
				content: {
					'text/event-stream': runStreamContent(),
					...json(ref('RunDone'), { result: { summary: 'stream: false', value: examples.runResultExample } })
				}
			},
			errors: ['invalid_request', 'missing_variables', 'not_found', 'unknown_label', 'model_unavailable']
		}
	];
}

function info(limits: OpenApiLimits): OpenApiDocument['info'] {
	return {
		title: 'CodeTuneStudio prompt API',
		version: '1.0.0',
		description: [
			"Read, render and run a workspace's prompts from programs.",
			'**Authentication.** Every request sends `Authorization: Bearer <token>`. A workspace owner creates tokens under Members & settings → API tokens; a token (`cts_` and 32 base32 characters) is shown once. Its scopes: `read` lists, fetches and renders prompts; `run` runs them.',
			'**Errors.** Every error is `{"error": {"code", "message", "details"?}}` with a stable `code`; each code always has the same HTTP status. Branch on the code, never on the message.',
			`**Rate limits.** Each token may make ${limits.requestsPerMinute} requests a minute, and start ${limits.runsPerMinute} runs a minute. Over a limit the answer is 429 \`rate_limited\` with \`Retry-After\` (seconds).`
		].join('\n\n')
	};
}

export interface OpenApiLimits {
	requestsPerMinute: number;
	runsPerMinute: number;
}

/** The document for these limits (the configured ones in openApiDocument). */
export function buildOpenApiDocument(limits: OpenApiLimits): OpenApiDocument {
	const paths: OpenApiDocument['paths'] = {};
	for (const spec of operations()) {
		(paths[spec.path] ??= {})[spec.method] = {
			operationId: spec.operationId,
			summary: spec.summary,
			description: spec.description,
			tags: ['prompts'],
			security: [{ bearerAuth: [spec.scope] }],
			...(spec.parameters.length ? { parameters: spec.parameters } : {}),
			...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
			responses: { '200': spec.success, ...errorResponses([...spec.errors, ...EVERY_ENDPOINT]) }
		};
	}
	const errorExamples = Object.fromEntries(
		(Object.keys(API_ERROR_CODES) as ApiErrorCode[]).map((code) => [
			errorExampleName(code),
			{ summary: examples.errorExamples[code].summary, value: examples.errorExamples[code].body, 'x-http-status': API_ERROR_CODES[code] }
		])
	);
	return {
		openapi: '3.1.0',
		info: info(limits),
		servers: [{ url: '/', description: 'This studio' }],
		tags: [{ name: 'prompts', description: "A workspace's shared prompts: read, render, run." }],
		security: [{ bearerAuth: [] }],
		paths,
		components: {
			securitySchemes: {
				bearerAuth: {
					type: 'http',
					scheme: 'bearer',
					bearerFormat: 'cts_ + 32 base32 characters',
					description: 'An API token: `Authorization: Bearer <token>`. Scopes: `read` (list, fetch, render) and `run` (run on a model); each operation names the scope it needs. A missing, unknown, revoked or expired token is 401 `unauthorized`; a token without the scope, 403 `insufficient_scope`; a token whose creator is no longer an owner of its workspace, 403 `forbidden` (it works again if they become an owner again).'
				}
			},
			schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
			examples: errorExamples
		}
	};
}

let built: { document: OpenApiDocument; json: string } | undefined;

/** The document with the configured limits, built on first use and kept for the process. */
export function openApiDocument(): { document: OpenApiDocument; json: string } {
	if (!built) {
		const document = buildOpenApiDocument({ requestsPerMinute: config().API_REQUESTS_PER_MINUTE, runsPerMinute: generationSettings().runsPerMinutePerUser });
		built = { document, json: JSON.stringify(document) };
	}
	return built;
}
