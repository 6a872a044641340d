// A version's content: the same shape as the live draft (DraftContent), its canonical JSON and
// SHA-256 hash (what "nothing changed" compares), and the mapping to and from prompt_versions rows.
// Pure: no database here.
import { createHash } from 'node:crypto';
import { canonicalJson } from '$lib/canonical-json';
import { draftContentSchema, draftParametersSchema, fewShotExampleSchema, type DraftContent } from '$lib/prompt-doc';
import { extractVariables, TemplateError } from '$lib/template';
import { invalid } from '../errors';

/** The canonical text of a value, shared with the editor (which compares the draft with a version by it). */
export { canonicalJson };

export function contentHash(content: DraftContent): string {
	return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface CommittableContent {
	content: DraftContent;
	variables: string[];
	hash: string;
}

/**
 * Validates a draft snapshot for a commit: the limits of draftContentSchema (a 400 naming the
 * first problem), a template Mustache can read (a 400 with its message), then variables and hash.
 */
export function prepareCommit(snapshot: unknown): CommittableContent {
	const parsed = draftContentSchema.safeParse(snapshot);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw invalid(`The draft cannot be committed: ${issue?.message ?? 'it is malformed.'}`);
	}
	const content = parsed.data;
	let variables: string[];
	try {
		variables = extractVariables(content.userPromptTemplate);
	} catch (error) {
		if (error instanceof TemplateError) throw invalid(error.message, 'template');
		throw error;
	}
	return { content, variables, hash: contentHash(content) };
}

/** The columns of prompt_versions (and the mirrored ones of prompt_library) that hold content. */
export interface ContentColumns {
	systemPrompt: string;
	userPromptTemplate: string;
	fewShotExamples: unknown;
	modelType: string;
	temperature: number;
	maxTokens: number;
	parameters: unknown;
}

export function toColumns(content: DraftContent) {
	const { modelType, temperature, maxTokens, ...rest } = content.parameters;
	const parameters = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
	return {
		systemPrompt: content.systemPrompt,
		userPromptTemplate: content.userPromptTemplate,
		fewShotExamples: content.fewShotExamples,
		modelType,
		temperature,
		maxTokens,
		parameters
	};
}

/** A stored version's content, read back through the same schemas the draft uses. */
export function fromColumns(row: ContentColumns): DraftContent {
	const examples = fewShotExampleSchema.array().safeParse(row.fewShotExamples);
	const extra = typeof row.parameters === 'object' && row.parameters !== null ? row.parameters : {};
	return {
		systemPrompt: row.systemPrompt,
		userPromptTemplate: row.userPromptTemplate,
		fewShotExamples: examples.success ? examples.data : [],
		parameters: draftParametersSchema.parse({
			...extra,
			modelType: row.modelType,
			temperature: row.temperature,
			maxTokens: row.maxTokens
		})
	};
}
