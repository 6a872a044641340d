// The API reference page's content, read from the OpenAPI document itself (never a second list kept
// by hand): each operation's fields from its JSON Schemas, its examples as curl and JSON, its errors,
// and the run stream's events. Plain data: the page only lays it out.
import type { HttpMethod, JsonSchema, MediaTypeObject, OpenApiDocument, OperationObject, ParameterObject, ResponseObject } from './openapi';

/** A description as runs of text: `code` spans and **strong** runs, no HTML (Svelte escapes the text). */
export type TextPart = { kind: 'text' | 'code' | 'strong'; text: string };
export interface FieldRow {
	name: string;
	/** For parameters: path or query. */
	in?: string;
	type: string;
	required: boolean;
	description: TextPart[];
	constraints: string;
}
export interface ExampleView {
	title: string;
	contentType: string;
	body: string;
}
export interface RequestExample {
	title: string;
	curl: string;
	json: string | null;
}
export interface ErrorRow {
	status: number;
	code: string;
	summary: string;
	headers: string[];
	body: string;
}
export interface EventView {
	name: string;
	description: TextPart[];
	fields: FieldRow[];
	example: string | null;
}
export interface OperationView {
	id: string;
	method: string;
	path: string;
	summary: string;
	description: TextPart[];
	scope: string;
	parameters: FieldRow[];
	body: { description: TextPart[]; fields: FieldRow[] } | null;
	requests: RequestExample[];
	responseDescription: TextPart[];
	responseFields: FieldRow[];
	responseHeaders: FieldRow[];
	responses: ExampleView[];
	events: { description: TextPart[]; list: EventView[] } | null;
	errors: ErrorRow[];
}
export interface ApiReference {
	title: string;
	version: string;
	intro: TextPart[][];
	security: TextPart[];
	specUrl: string;
	operations: OperationView[];
	errorCodes: Omit<ErrorRow, 'headers' | 'body'>[];
}

/** `code`, **strong** and plain runs of a Markdown-ish description. */
export function textParts(text: string | undefined): TextPart[] {
	if (!text) return [];
	return text
		.split(/(`[^`]+`|\*\*[^*]+\*\*)/)
		.filter(Boolean)
		.map((part) =>
			part.startsWith('`') && part.endsWith('`') && part.length > 1
				? { kind: 'code', text: part.slice(1, -1) }
				: part.startsWith('**') && part.endsWith('**') && part.length > 3
					? { kind: 'strong', text: part.slice(2, -2) }
					: { kind: 'text', text: part }
		);
}

function resolver(doc: OpenApiDocument) {
	return function resolve<T>(value: T | { $ref: string }): T {
		if (!value || typeof value !== 'object' || !('$ref' in value) || typeof value.$ref !== 'string') return value as T;
		const path = value.$ref.replace(/^#\//, '').split('/');
		let target: unknown = doc;
		for (const key of path) target = (target as Record<string, unknown>)?.[key];
		if (target === undefined) throw new Error(`The OpenAPI document has no ${value.$ref}.`);
		return resolve(target as T);
	};
}

const schemas = (value: unknown): JsonSchema[] => (Array.isArray(value) ? (value as JsonSchema[]) : []);
const isRecordSchema = (s: JsonSchema) => s.type === 'object' && !s.properties && typeof s.additionalProperties === 'object';

/** A schema's type as a reader would write it: `string (uuid)`, `"auto" | "never"`, `map of string`, `RunDone`. */
export function typeName(schema: JsonSchema): string {
	if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
	if ('const' in schema) return JSON.stringify(schema.const);
	if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
	const union = schemas(schema.anyOf).length ? schemas(schema.anyOf) : schemas(schema.oneOf);
	if (union.length) return union.map(typeName).join(' | ');
	if (Array.isArray(schema.type)) return schema.type.join(' | ');
	switch (schema.type) {
		case 'array': {
			const item = typeName((schema.items as JsonSchema) ?? {});
			return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
		}
		case 'object':
			if (isRecordSchema(schema)) return `map of ${typeName(schema.additionalProperties as JsonSchema)}`;
			if (schema.properties) return `{ ${Object.keys(schema.properties as object).join(', ')} }`;
			return 'object';
		case 'string':
			return typeof schema.format === 'string' ? `string (${schema.format})` : 'string';
		case undefined:
			return 'any';
		default:
			return String(schema.type);
	}
}

/** Limits and defaults of a schema, in words. */
export function constraints(schema: JsonSchema): string {
	const out: string[] = [];
	const add = (key: string, words: (v: unknown) => string) => schema[key] !== undefined && out.push(words(schema[key]));
	const chars = (v: unknown) => `${v} ${v === 1 ? 'character' : 'characters'}`;
	add('minLength', (v) => `at least ${chars(v)}`);
	add('maxLength', (v) => `at most ${chars(v)}`);
	add('minimum', (v) => `≥ ${v}`);
	add('exclusiveMinimum', (v) => `> ${v}`);
	add('maximum', (v) => `≤ ${v}`);
	add('pattern', (v) => `matches ${v}`);
	add('minItems', (v) => `at least ${v} ${v === 1 ? 'item' : 'items'}`);
	add('maxItems', (v) => `at most ${v} ${v === 1 ? 'item' : 'items'}`);
	add('maxProperties', (v) => `at most ${v} entries`);
	const keys = schema.propertyNames as JsonSchema | undefined;
	if (keys?.maxLength !== undefined) out.push(`names at most ${chars(keys.maxLength)}`);
	const values = isRecordSchema(schema) ? (schema.additionalProperties as JsonSchema) : undefined;
	if (values?.maxLength !== undefined) out.push(`values at most ${chars(values.maxLength)}`);
	add('default', (v) => `default ${JSON.stringify(v)}`);
	return out.join(', ');
}

/** Every property of an object schema, nested objects and arrays of objects flattened as `a.b` and `a[].b`. */
export function schemaFields(schema: JsonSchema, resolve: ReturnType<typeof resolver>, prefix = ''): FieldRow[] {
	const object = resolve(schema);
	const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
	const required = new Set((object.required as string[] | undefined) ?? []);
	return Object.entries(properties).flatMap(([name, property]) => {
		const row: FieldRow = {
			name: prefix + name,
			type: typeName(property),
			required: required.has(name),
			description: textParts((property.description as string | undefined) ?? (resolve(property).description as string | undefined)),
			constraints: constraints(property)
		};
		const inner = resolve(property);
		if (inner.type === 'object' && inner.properties) return [row, ...schemaFields(inner, resolve, `${prefix}${name}.`)];
		const items = inner.type === 'array' && inner.items ? resolve(inner.items as JsonSchema) : undefined;
		if (items?.type === 'object' && items.properties) return [row, ...schemaFields(items, resolve, `${prefix}${name}[].`)];
		return [row];
	});
}

const pretty = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function curl(origin: string, method: HttpMethod, path: string, options: { body?: unknown; stream?: boolean } = {}): string {
	const lines = [`curl ${options.stream ? '-N ' : ''}${method === 'get' ? '' : `-X ${method.toUpperCase()} `}${shellQuote(origin + path)}`, `-H "Authorization: Bearer $CTS_TOKEN"`];
	if (options.body !== undefined) lines.push(`-H 'Content-Type: application/json'`, `-d ${shellQuote(JSON.stringify(options.body, null, 2))}`);
	return lines.join(' \\\n  ');
}

function requestExamples(origin: string, method: HttpMethod, path: string, operation: OperationObject, streams: boolean): RequestExample[] {
	const parameters = operation.parameters ?? [];
	let filled = path;
	for (const p of parameters.filter((p) => p.in === 'path')) filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(p.example)));
	const body = operation.requestBody?.content['application/json'];
	if (body?.examples) {
		return Object.values(body.examples).map((example) => {
			const { summary, value } = example as { summary?: string; value: unknown };
			const stream = streams && (value as { stream?: boolean }).stream !== false;
			return { title: summary ?? '', curl: curl(origin, method, filled, { body: value, stream }), json: pretty(value) };
		});
	}
	const queries = parameters.filter((p) => p.in === 'query' && p.example !== undefined);
	return [
		{ title: queries.length ? 'The default version' : 'Request', curl: curl(origin, method, filled), json: null },
		...queries.map((p) => {
			const query = `?${new URLSearchParams({ [p.name]: String(p.example) })}`;
			return { title: `By ${p.name}: ${query}`, curl: curl(origin, method, filled + query), json: null };
		})
	];
}

function parameterRow(p: ParameterObject): FieldRow {
	return { name: p.name, in: p.in, type: typeName(p.schema), required: p.required, description: textParts(p.description), constraints: constraints(p.schema) };
}

/** Each event of an SSE example, by name: the first `data:` seen for it. */
function eventExamples(stream: MediaTypeObject | undefined): Map<string, string> {
	const found = new Map<string, string>();
	const text = Object.values(stream?.examples ?? {}).map((e) => (e as { value: unknown }).value)[0];
	if (typeof text !== 'string') return found;
	for (const block of text.split('\n\n')) {
		const name = /^event: (.+)$/m.exec(block)?.[1];
		const data = /^data: (.+)$/m.exec(block)?.[1];
		if (name && data && !found.has(name)) found.set(name, JSON.stringify(JSON.parse(data), null, 2));
	}
	return found;
}

function operationView(doc: OpenApiDocument, origin: string, path: string, method: HttpMethod, operation: OperationObject): OperationView {
	const resolve = resolver(doc);
	const success = resolve<ResponseObject>(operation.responses['200']!);
	const stream = success.content?.['text/event-stream'];
	const jsonContent = success.content?.['application/json'];
	const errors = Object.entries(operation.responses)
		.filter(([status]) => status !== '200')
		.flatMap(([status, response]) =>
			Object.values(resolve<ResponseObject>(response).content?.['application/json']?.examples ?? {}).map((reference) => {
				const example = resolve<{ summary?: string; value: { error: { code: string } } }>(reference as never);
				return { status: Number(status), code: example.value.error.code, summary: example.summary ?? '', headers: Object.keys(resolve<ResponseObject>(response).headers ?? {}), body: pretty(example.value) };
			})
		)
		.sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
	const samples = eventExamples(stream);
	return {
		id: operation.operationId,
		method: method.toUpperCase(),
		path,
		summary: operation.summary,
		description: textParts(operation.description),
		scope: operation.security[0]?.bearerAuth[0] ?? '',
		parameters: (operation.parameters ?? []).map(parameterRow),
		body: operation.requestBody
			? { description: textParts(operation.requestBody.description), fields: schemaFields(operation.requestBody.content['application/json']!.schema, resolve) }
			: null,
		requests: requestExamples(origin, method, path, operation, Boolean(stream)),
		responseDescription: textParts(success.description),
		responseFields: jsonContent ? schemaFields(jsonContent.schema, resolve) : [],
		responseHeaders: Object.entries(success.headers ?? {}).map(([name, header]) => ({ name, type: typeName(header.schema), required: false, description: textParts(header.description), constraints: '' })),
		responses: Object.entries(success.content ?? {}).flatMap(([contentType, media]) =>
			Object.values(media.examples ?? {}).map((example) => {
				const { summary, value } = resolve(example as { summary?: string; value: unknown });
				return { title: summary ?? '', contentType, body: pretty(value) };
			})
		),
		events: stream?.['x-sse-events']
			? {
					description: textParts(stream.schema.description as string | undefined),
					list: stream['x-sse-events'].map((event) => ({ name: event.name, description: textParts(event.description), fields: schemaFields(event.schema, resolve), example: samples.get(event.name) ?? null }))
				}
			: null,
		errors
	};
}

/** The reference page's content; `origin` fills in the curl examples' URLs. */
export function apiReference(doc: OpenApiDocument, origin: string): ApiReference {
	const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
		(Object.entries(methods) as [HttpMethod, OperationObject][]).map(([method, operation]) => operationView(doc, origin, path, method, operation))
	);
	const errorCodes = Object.values(doc.components.examples)
		.filter((example) => example['x-http-status'] !== undefined)
		.map((example) => ({ status: example['x-http-status']!, code: (example.value as { error: { code: string } }).error.code, summary: example.summary ?? '' }))
		.sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
	return {
		title: doc.info.title,
		version: doc.info.version,
		intro: doc.info.description.split('\n\n').map(textParts),
		security: textParts(doc.components.securitySchemes.bearerAuth?.description),
		specUrl: '/api/openapi.json',
		operations,
		errorCodes
	};
}
