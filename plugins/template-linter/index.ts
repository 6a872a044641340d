// Lints a prompt's draft: variables the template uses but the sample values lack (and the reverse),
// empty parts, and the prompt's estimated length against the model's context window.
import Mustache from 'mustache';
import { z } from 'zod';
import { extractVariables } from '$lib/template';
import { definePlugin, estimateTokens, type Finding } from '$lib/plugins';

const configSchema = z.object({
	/** Context windows in tokens: WhiteRabbitNeo-33B is a DeepSeek-Coder-33B fine-tune (16K); CodeT5+ takes 2K. */
	contextTokens: z.record(z.string(), z.number().int().positive()).default({ whiterabbitneo: 16_384, codet5p: 2_048 }),
	/** Share of the context at which a warning starts. */
	warnAt: z.number().gt(0).max(1).default(0.8),
	/** The variables the user declared (the sample values); without them undefined/unused is not checked. */
	variables: z.array(z.string()).optional()
});

type Token = [string, string, number, number, Token[]?];

function emptySections(template: string): string[] {
	const empty: string[] = [];
	const walk = (tokens: Token[]) => {
		for (const [type, value, , , children] of tokens) {
			if ((type === '#' || type === '^') && (children ?? []).every((c) => c[0] === 'text' && c[1].trim() === '')) empty.push(value);
			if (children) walk(children);
		}
	};
	walk(Mustache.parse(template) as unknown as Token[]);
	return empty;
}

export default definePlugin({
	manifest: {
		id: 'template-linter',
		name: 'Template linter',
		version: '1.0.0',
		description: 'Undefined or unused variables, empty parts and sections, and the prompt length against the model context.',
		hooks: ['lintTemplate'],
		configSchema
	},
	lintTemplate({ content, model, config }) {
		const findings: Finding[] = [];
		const template = content.userPromptTemplate;
		if (!template.trim()) findings.push({ ruleId: 'empty-template', severity: 'error', message: 'The prompt template is empty.', location: { part: 'template' } });
		if (!content.systemPrompt.trim()) findings.push({ ruleId: 'empty-system-prompt', severity: 'info', message: 'The system prompt is empty; chat models then get only the user turn.', location: { part: 'system' } });
		content.fewShotExamples.forEach((example, i) => {
			if (!example.input.trim() || !example.output.trim())
				findings.push({ ruleId: 'empty-example', severity: 'warning', message: `Example ${i + 1} has an empty ${!example.input.trim() ? 'input' : 'output'}.`, location: { part: `example ${i + 1}` } });
		});
		let used: string[] = [];
		try {
			used = extractVariables(template);
			for (const name of emptySections(template))
				findings.push({ ruleId: 'empty-section', severity: 'warning', message: `The section {{#${name}}} is empty.`, location: { part: 'template' } });
		} catch (error) {
			findings.push({ ruleId: 'template-syntax', severity: 'error', message: (error as Error).message, location: { part: 'template' } });
		}
		if (config.variables) {
			const declared = new Set(config.variables);
			for (const name of used.filter((n) => !declared.has(n)))
				findings.push({ ruleId: 'undefined-variable', severity: 'error', message: `{{${name}}} is used in the template but has no value.`, location: { part: 'template' } });
			for (const name of config.variables.filter((n) => !used.includes(n)))
				findings.push({ ruleId: 'unused-variable', severity: 'warning', message: `The variable ${name} is declared but the template never uses it.`, location: { part: 'template' } });
		}
		const context = model.contextTokens ?? config.contextTokens[model.id];
		if (context) {
			const text = [content.systemPrompt, ...content.fewShotExamples.flatMap((e) => [e.input, e.output]), template].join('\n');
			const prompt = estimateTokens(text);
			const total = prompt + content.parameters.maxTokens;
			const where = `about ${prompt} prompt tokens (estimated) + ${content.parameters.maxTokens} max new tokens of ${context}`;
			if (total > context) findings.push({ ruleId: 'context-overflow', severity: 'error', message: `The prompt does not fit the model's context: ${where}.` });
			else if (total > context * config.warnAt) findings.push({ ruleId: 'context-near-limit', severity: 'warning', message: `The prompt nearly fills the model's context: ${where}.` });
		}
		return findings;
	}
});
