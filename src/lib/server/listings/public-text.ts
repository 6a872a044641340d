// What a published version shows the world, as plain data: its text (system prompt, template and
// few-shot examples in one piece, for search and the listing's excerpt), its variables, and a run
// copied as a sample output. Pure: no database here, and nothing but content ever goes out.
import type { FewShotExample } from '$lib/prompt-doc';
import { PUBLISH_LIMITS, sampleOutputSchema, type SampleOutput } from '$lib/schemas/publishing';
import { extractVariablesLenient } from '$lib/template';

export interface PublicContent {
	systemPrompt: string;
	userPromptTemplate: string;
	fewShotExamples: FewShotExample[];
}

/** The version as one plain text: system prompt, template, then each example's input and output. */
export function publicText(content: PublicContent): string {
	const parts = [content.systemPrompt.trim(), content.userPromptTemplate.trim()];
	for (const example of content.fewShotExamples) parts.push(example.input.trim(), example.output.trim());
	return parts.filter(Boolean).join('\n\n');
}

/** The template's variables (a committed template always parses; never throws regardless). */
export function publicVariables(template: string): string[] {
	return extractVariablesLenient(template);
}

/** The values a run was given, as text (a run's input is a JSON object of strings, in practice). */
export function runVariables(input: unknown): Record<string, string> {
	if (!input || typeof input !== 'object' || Array.isArray(input)) return {};
	return Object.fromEntries(Object.entries(input).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
}

export interface SampleSource {
	modelUsed: string;
	standInModel: string | null;
	inputData: unknown;
	outputData: string | null;
}

/** A run as the public page shows it: model, stand-in, variables and output (cut to the limit), nothing else. */
export function toSample(run: SampleSource): SampleOutput {
	return sampleOutputSchema.parse({
		model: run.modelUsed,
		standIn: run.standInModel,
		variables: runVariables(run.inputData),
		output: (run.outputData ?? '').slice(0, PUBLISH_LIMITS.sampleOutput)
	});
}
