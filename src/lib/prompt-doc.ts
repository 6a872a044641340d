// The shape of a prompt's live draft as a Yjs document, shared by the editor and the server.
// Every part of a prompt is a shared type, so concurrent edits to any part merge:
//   Y.Text 'system'       the system prompt
//   Y.Text 'template'     the user prompt template (Mustache)
//   Y.Array 'examples'    few-shot examples, each a Y.Map { input: Y.Text, output: Y.Text }
//   Y.Map 'params'        model parameters (modelType, temperature, maxTokens, topP, seed, stop)
//   Y.Map 'meta'          written by the server only (latest version, last restore)
import * as Y from 'yjs';
import { diffChars } from 'diff';
import { z } from 'zod';

export const ROOTS = { system: 'system', template: 'template', examples: 'examples', params: 'params', meta: 'meta' } as const;
/** Root types a client may change; any other root in a client's update is refused. */
export const CLIENT_WRITABLE_ROOTS: ReadonlySet<string> = new Set([ROOTS.system, ROOTS.template, ROOTS.examples, ROOTS.params]);

export const LIMITS = {
	systemPrompt: 20_000,
	userPromptTemplate: 50_000,
	examples: 20,
	exampleText: 10_000
} as const;

export const draftParametersSchema = z.object({
	modelType: z.string().trim().min(1).max(64).catch('whiterabbitneo'),
	temperature: z.number().min(0).max(2).catch(0.7),
	maxTokens: z.number().int().min(1).max(8192).catch(2048),
	topP: z.number().gt(0).max(1).optional().catch(undefined),
	seed: z.number().int().min(0).max(2 ** 31 - 1).optional().catch(undefined),
	stop: z.array(z.string().min(1).max(64)).max(8).optional().catch(undefined)
});
export type DraftParameters = z.infer<typeof draftParametersSchema>;

export const fewShotExampleSchema = z.object({
	input: z.string().max(LIMITS.exampleText),
	output: z.string().max(LIMITS.exampleText)
});
export type FewShotExample = z.infer<typeof fewShotExampleSchema>;

export const draftContentSchema = z.object({
	systemPrompt: z.string().max(LIMITS.systemPrompt, `The system prompt is over ${LIMITS.systemPrompt} characters.`),
	userPromptTemplate: z.string().max(LIMITS.userPromptTemplate, `The template is over ${LIMITS.userPromptTemplate} characters.`),
	fewShotExamples: z.array(fewShotExampleSchema).max(LIMITS.examples, `At most ${LIMITS.examples} examples.`),
	parameters: draftParametersSchema
});
export type DraftContent = z.infer<typeof draftContentSchema>;

export interface DraftMeta {
	latestVersion: number | null;
	/** Set when a version was restored into the draft and not committed since. */
	restoredFrom: number | null;
}

const str = (value: unknown) => (value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '');

/** The draft as plain data, as typed: not yet validated (a client may have typed anything). */
export function readDraft(doc: Y.Doc): DraftContent {
	const params = doc.getMap(ROOTS.params).toJSON();
	return {
		systemPrompt: doc.getText(ROOTS.system).toString(),
		userPromptTemplate: doc.getText(ROOTS.template).toString(),
		fewShotExamples: doc
			.getArray<Y.Map<unknown>>(ROOTS.examples)
			.toArray()
			.map((example) => ({ input: str(example.get?.('input')), output: str(example.get?.('output')) })),
		parameters: draftParametersSchema.parse(params)
	};
}

export function readMeta(doc: Y.Doc): DraftMeta {
	const meta = doc.getMap(ROOTS.meta);
	const num = (value: unknown) => (typeof value === 'number' ? value : null);
	return { latestVersion: num(meta.get('latestVersion')), restoredFrom: num(meta.get('restoredFrom')) };
}

/**
 * A character diff costs up to (edits)²: past these bounds the changed middle is replaced whole
 * (the common start and end are kept, so cursors there survive).
 */
export const REPLACE_LIMITS = { charEdits: 500, timeoutMs: 20 } as const;

/**
 * Turns `text` into `next` with the smallest edits (a character diff), so that cursors and
 * selections in unchanged parts survive, as they do when a person edits. The common start and end
 * are kept as they are; what differs between them is diffed within REPLACE_LIMITS, or replaced whole.
 */
export function replaceText(text: Y.Text, next: string): void {
	const current = text.toString();
	if (current === next) return;
	const { start, oldMiddle, newMiddle } = changedMiddle(current, next);
	const changes = diffChars(oldMiddle, newMiddle, { maxEditLength: REPLACE_LIMITS.charEdits, timeout: REPLACE_LIMITS.timeoutMs }) ?? [
		{ value: oldMiddle, removed: true, added: false, count: oldMiddle.length },
		{ value: newMiddle, removed: false, added: true, count: newMiddle.length }
	];
	let index = start;
	for (const change of changes) {
		const length = change.value.length;
		if (change.added) {
			text.insert(index, change.value);
			index += length;
		} else if (change.removed) {
			text.delete(index, length);
		} else {
			index += length;
		}
	}
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** What differs between two strings, after their common start and end (never splitting a surrogate pair). */
function changedMiddle(current: string, next: string): { start: number; oldMiddle: string; newMiddle: string } {
	const shorter = Math.min(current.length, next.length);
	let start = 0;
	while (start < shorter && current.charCodeAt(start) === next.charCodeAt(start)) start++;
	if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
	let end = 0;
	while (end < shorter - start && current.charCodeAt(current.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
	if (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
	return { start, oldMiddle: current.slice(start, current.length - end), newMiddle: next.slice(start, next.length - end) };
}

function exampleMap(example: FewShotExample): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	map.set('input', new Y.Text(example.input));
	map.set('output', new Y.Text(example.output));
	return map;
}

/** Makes the document hold `content`, in one transaction, touching only what differs. */
export function writeDraft(doc: Y.Doc, content: DraftContent, origin: unknown = null): void {
	doc.transact(() => {
		replaceText(doc.getText(ROOTS.system), content.systemPrompt);
		replaceText(doc.getText(ROOTS.template), content.userPromptTemplate);
		const examples = doc.getArray<Y.Map<unknown>>(ROOTS.examples);
		content.fewShotExamples.forEach((example, i) => {
			const current = examples.get(i);
			const input = current?.get?.('input');
			const output = current?.get?.('output');
			if (input instanceof Y.Text && output instanceof Y.Text) {
				replaceText(input, example.input);
				replaceText(output, example.output);
			} else {
				if (current) examples.delete(i, 1);
				examples.insert(i, [exampleMap(example)]);
			}
		});
		if (examples.length > content.fewShotExamples.length) {
			examples.delete(content.fewShotExamples.length, examples.length - content.fewShotExamples.length);
		}
		const params = doc.getMap(ROOTS.params);
		const next = content.parameters as Record<string, unknown>;
		for (const key of [...params.keys()]) if (!(key in next) || next[key] === undefined) params.delete(key);
		for (const [key, value] of Object.entries(next)) {
			if (value !== undefined && JSON.stringify(params.get(key)) !== JSON.stringify(value)) params.set(key, value);
		}
	}, origin);
}

export function writeMeta(doc: Y.Doc, meta: Partial<DraftMeta>, origin: unknown = null): void {
	doc.transact(() => {
		const map = doc.getMap(ROOTS.meta);
		for (const [key, value] of Object.entries(meta)) map.set(key, value);
	}, origin);
}
