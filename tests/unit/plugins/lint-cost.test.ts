// The template linter and the token/cost counter.
import { describe, expect, it } from 'vitest';
import linter from '../../../plugins/template-linter';
import tokenCost from '../../../plugins/token-cost';
import { estimateTokens } from '$lib/plugins';
import type { DraftContent } from '$lib/prompt-doc';

const lintConfig = (variables?: string[]) => ({ contextTokens: { whiterabbitneo: 16_384, codet5p: 2_048 }, warnAt: 0.8, variables });
const draft = (over: Partial<DraftContent> = {}): DraftContent => ({
	systemPrompt: 'You are a senior security reviewer.',
	userPromptTemplate: 'Review this {{language}} code:\n{{code}}\n{{#focus}}Focus on {{focus}}.{{/focus}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 1024 },
	...over
});
const lint = async (content: DraftContent, variables?: string[], model: { id: string; contextTokens?: number } = { id: 'whiterabbitneo' }) =>
	(await linter.lintTemplate!({ content, model, config: lintConfig(variables) })).map((f) => f.ruleId);

describe('the template linter', () => {
	it('finds nothing wrong in a good prompt', async () => {
		expect(await lint(draft(), ['language', 'code', 'focus'])).toEqual([]);
	});

	it('reports undefined and unused variables against the declared values', async () => {
		const findings = await linter.lintTemplate!({ content: draft(), model: { id: 'whiterabbitneo' }, config: lintConfig(['language', 'snippet', 'focus']) });
		expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
			['undefined-variable', '{{code}} is used in the template but has no value.'],
			['unused-variable', 'The variable snippet is declared but the template never uses it.']
		]);
	});

	it('reports empty parts, empty sections and a template that cannot be read', async () => {
		expect(await lint(draft({ systemPrompt: ' ', userPromptTemplate: '', fewShotExamples: [{ input: 'x', output: '' }] }))).toEqual(['empty-template', 'empty-system-prompt', 'empty-example']);
		expect(await lint(draft({ userPromptTemplate: 'Fix {{code}} {{#tests}}  {{/tests}}' }))).toEqual(['empty-section']);
		expect(await lint(draft({ userPromptTemplate: 'Fix {{#code}} unclosed' }))).toEqual(['template-syntax']);
	});

	it('compares the estimated prompt plus max new tokens with the model context', async () => {
		const long = 'Explain the following function in detail, line by line. '.repeat(120); // ≈ 1,300 tokens
		expect(await lint(draft({ userPromptTemplate: long }), undefined, { id: 'whiterabbitneo' })).toEqual([]);
		expect(await lint(draft({ userPromptTemplate: long, parameters: { modelType: 'codet5p', temperature: 0, maxTokens: 512 } }), undefined, { id: 'codet5p' })).toEqual(['context-near-limit']);
		expect(await lint(draft({ userPromptTemplate: long + long }), undefined, { id: 'codet5p' })).toEqual(['context-overflow']);
	});
});

describe('token estimates', () => {
	it('are close to a BPE count on prose and code', () => {
		// The GPT-2/DeepSeek BPE counts of these strings are 9 and 21 tokens.
		expect(estimateTokens('The quick brown fox jumps over the lazy dog.')).toBeGreaterThanOrEqual(8);
		expect(estimateTokens('The quick brown fox jumps over the lazy dog.')).toBeLessThanOrEqual(12);
		const code = 'def add(a: int, b: int) -> int:\n    return a + b\n';
		expect(estimateTokens(code)).toBeGreaterThanOrEqual(15);
		expect(estimateTokens(code)).toBeLessThanOrEqual(25);
		expect(estimateTokens('')).toBe(0);
	});
});

describe('the token and cost counter', () => {
	const input = { kind: 'text' as const, text: 'Generate Python code: reverse a linked list' };
	const output = 'def reverse(head):\n    prev = None\n    while head:\n        head.next, prev, head = prev, head, head.next\n    return prev\n';
	const analyse = (usage?: Parameters<NonNullable<typeof tokenCost.analyseOutput>>[0]['usage']) =>
		tokenCost.analyseOutput!({ output, input, latencyMs: 7_200, model: { id: 'codet5p' }, usage, config: {} });

	it('shows the run’s own counts and cost, as the run recorded them, whatever the latency', async () => {
		const r = await analyse({ promptTokens: 310, completionTokens: 42, costUsd: 0.003, free: null });
		expect(r.figures).toEqual([
			{ label: 'Prompt tokens', value: 310, unit: 'tokens', note: 'counted by the model' },
			{ label: 'Completion tokens', value: 42, unit: 'tokens', note: 'counted by the model' },
			{ label: 'Cost', value: 0.003, unit: 'usd' }
		]);
		expect(r.findings).toEqual([]);
	});

	it('says a run on the stand-in or from the cache cost nothing, and why', async () => {
		expect((await analyse({ promptTokens: 310, completionTokens: 42, costUsd: 0, free: 'stand-in' })).figures).toContainEqual({ label: 'Cost', value: 0, unit: 'usd', note: 'local stand-in model' });
		expect((await analyse({ promptTokens: 310, completionTokens: 42, costUsd: 0, free: 'cache' })).figures).toContainEqual({ label: 'Cost', value: 0, unit: 'usd', note: 'answered from the cache' });
	});

	it('estimates only a count the model did not report, from the prompt as sent, and says so', async () => {
		const r = await analyse({ promptTokens: null, completionTokens: 42, costUsd: 0, free: 'stand-in' });
		expect(r.figures![0]).toEqual({ label: 'Prompt tokens', value: estimateTokens(input.text), unit: 'tokens', note: 'estimated' });
		expect(estimateTokens(input.text)).toBeGreaterThan(0);
		const chat = await tokenCost.analyseOutput!({ output, input: { kind: 'chat', messages: [{ role: 'user', content: 'word '.repeat(500) }] }, model: { id: 'x' }, usage: { promptTokens: null, completionTokens: null, costUsd: 0, free: null }, config: {} });
		expect(chat.figures!.slice(0, 2).map((f) => f.value)).toEqual([500, estimateTokens(output)]);
	});

	it('keeps no prices of its own: settings saved by its first version are accepted and change nothing', async () => {
		const old = tokenCost.manifest.configSchema.parse({ pricing: 'per-1k-tokens', inputPer1k: 0.01, outputPer1k: 0.03, gpuHourly: 2.5 });
		expect(old).toEqual({});
		const r = await analyse(undefined);
		expect(r.figures!.map((f) => f.label)).toEqual(['Prompt tokens', 'Completion tokens']);
		expect(r.findings.map((f) => f.ruleId)).toEqual(['no-usage']);
	});
});
