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

	it('prices a run per GPU-hour from its latency', async () => {
		const r = await tokenCost.analyseOutput!({ output, input, latencyMs: 7_200, model: { id: 'codet5p' }, config: { pricing: 'per-gpu-hour', inputPer1k: 0, outputPer1k: 0, gpuHourly: 2.5 } });
		expect(r.metrics).toEqual({ tokensIn: estimateTokens(input.text), tokensOut: estimateTokens(output), estimated: true, pricing: 'per-gpu-hour', costUsd: 0.005 });
	});

	it('prices a run per 1k tokens in and out, and says when it has no latency', async () => {
		const r = await tokenCost.analyseOutput!({ output: 'word '.repeat(1000), input: { kind: 'chat', messages: [{ role: 'user', content: 'word '.repeat(500) }] }, model: { id: 'x' }, config: { pricing: 'per-1k-tokens', inputPer1k: 0.01, outputPer1k: 0.03, gpuHourly: 0 } });
		expect(r.metrics).toMatchObject({ tokensIn: 500, tokensOut: 1000, costUsd: 0.035 });
		const none = await tokenCost.analyseOutput!({ output, model: { id: 'x' }, config: { pricing: 'per-gpu-hour', inputPer1k: 0, outputPer1k: 0, gpuHourly: 2.5 } });
		expect(none.metrics).toMatchObject({ costUsd: null });
		expect(none.findings.map((f) => f.ruleId)).toEqual(['no-latency']);
	});
});
