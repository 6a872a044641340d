// The model registry: prompt formatting per model and parameter clamping to each model's limits.
import { describe, expect, it } from 'vitest';
import {
	MODELS,
	formatPrompt,
	getModel,
	isModelConfigured,
	isModelId,
	modelBackend,
	modelEndpoint,
	normaliseParameters,
	notConfiguredMessage,
	parametersSchema,
	standIns
} from '../../src/lib/server/models/registry';
import { parseConfig } from '../../src/lib/server/config';

const examples = [
	{ input: 'Q1', output: 'A1' },
	{ input: '  ', output: '' },
	{ input: 'Q2', output: 'A2' }
];

describe('the two models', () => {
	it('are registered with their display names, Hub ids and formats', () => {
		expect(Object.keys(MODELS)).toEqual(['whiterabbitneo', 'codet5p']);
		expect(getModel('whiterabbitneo')).toMatchObject({ displayName: 'WhiteRabbitNeo-33B', hubModelId: 'WhiteRabbitNeo/WhiteRabbitNeo-33B-v1', format: 'chat' });
		expect(getModel('codet5p')).toMatchObject({ displayName: 'CodeT5+ 16B', format: 'text', endpointVariable: 'CODET5P_ENDPOINT_URL' });
		expect(isModelId('codet5p')).toBe(true);
		expect(isModelId('gpt-4')).toBe(false);
	});

	it('take their endpoint and token from the configuration; unset means not configured when there is no stand-in', () => {
		const settings = parseConfig({ WHITERABBITNEO_ENDPOINT_URL: ' https://wrn.example/ ', HF_TOKEN: 'hf_x', EMBEDDED_MODEL: 'off' });
		expect(modelEndpoint('whiterabbitneo', settings)).toEqual({ url: 'https://wrn.example/', token: 'hf_x' });
		expect(modelEndpoint('codet5p', settings)).toBeNull();
		expect(isModelConfigured('whiterabbitneo', settings)).toBe(true);
		expect(isModelConfigured('codet5p', settings)).toBe(false);
		expect(modelBackend('codet5p', settings)).toBeNull();
		expect(standIns(settings)).toEqual({});
		expect(modelEndpoint('whiterabbitneo', parseConfig({ WHITERABBITNEO_ENDPOINT_URL: 'http://127.0.0.1:8080' }))).toEqual({ url: 'http://127.0.0.1:8080' });
		expect(() => parseConfig({ CODET5P_ENDPOINT_URL: 'ftp://x' })).toThrow(/CODET5P_ENDPOINT_URL: must start with http:\/\/ or https:\/\//);
		expect(notConfiguredMessage('whiterabbitneo')).toMatch(/^No model endpoint is configured for WhiteRabbitNeo-33B: set WHITERABBITNEO_ENDPOINT_URL/);
	});
});

describe('the embedded stand-in model', () => {
	it('serves, by default, every model that has no endpoint; a model with one keeps it', () => {
		const settings = parseConfig({ WHITERABBITNEO_ENDPOINT_URL: 'https://wrn.example/' });
		expect(settings.EMBEDDED_MODEL).toBe('codetune-tiny-code');
		expect(modelBackend('whiterabbitneo', settings)).toEqual({ kind: 'endpoint', url: 'https://wrn.example/' });
		expect(modelBackend('codet5p', settings)).toEqual({ kind: 'embedded', modelId: 'codetune-tiny-code' });
		expect(isModelConfigured('codet5p', settings)).toBe(true);
		expect(standIns(settings)).toEqual({ codet5p: 'codetune-tiny-code' });
		expect(standIns(parseConfig({}))).toEqual({ whiterabbitneo: 'codetune-tiny-code', codet5p: 'codetune-tiny-code' });
	});

	it('may be a Hub id; `off` (or settings without one) means none; anything else is refused at start-up', () => {
		expect(standIns(parseConfig({ EMBEDDED_MODEL: 'Xenova/tiny_starcoder_py' }))).toEqual({ whiterabbitneo: 'Xenova/tiny_starcoder_py', codet5p: 'Xenova/tiny_starcoder_py' });
		expect(standIns({ WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined })).toEqual({});
		expect(() => parseConfig({ EMBEDDED_MODEL: '../../etc' })).toThrow(/EMBEDDED_MODEL: must be off, a folder name or a Hub id/);
		expect(() => parseConfig({ EMBEDDED_MODEL: 'a/b/c' })).toThrow(/EMBEDDED_MODEL/);
		expect(() => parseConfig({ EMBEDDED_MODEL_DTYPE: 'q3' })).toThrow(/EMBEDDED_MODEL_DTYPE/);
	});

	it("gets every prompt as one text, whatever its slot's own format", () => {
		const content = { systemPrompt: 'Sys', fewShotExamples: [{ input: 'Q', output: 'A' }] };
		expect(formatPrompt('whiterabbitneo', content, 'User', 'text')).toEqual({ format: 'text', text: 'Sys\n\nQ\nA\n\nUser' });
		expect(formatPrompt('whiterabbitneo', content, 'User', 'text')).toEqual(formatPrompt('codet5p', content, 'User'));
	});
});

describe('prompt formatting', () => {
	it('WhiteRabbitNeo: system, few-shot user/assistant pairs (blank ones skipped), then the user turn', () => {
		expect(formatPrompt('whiterabbitneo', { systemPrompt: ' Be precise. ', fewShotExamples: examples }, 'Analyse this')).toEqual({
			format: 'chat',
			messages: [
				{ role: 'system', content: 'Be precise.' },
				{ role: 'user', content: 'Q1' },
				{ role: 'assistant', content: 'A1' },
				{ role: 'user', content: 'Q2' },
				{ role: 'assistant', content: 'A2' },
				{ role: 'user', content: 'Analyse this' }
			]
		});
	});

	it('WhiteRabbitNeo: no system turn when the system prompt is blank', () => {
		expect(formatPrompt('whiterabbitneo', { systemPrompt: '  ', fewShotExamples: [] }, 'Hi')).toEqual({
			format: 'chat',
			messages: [{ role: 'user', content: 'Hi' }]
		});
	});

	it('CodeT5+: one plain text, parts separated by blank lines', () => {
		expect(formatPrompt('codet5p', { systemPrompt: '', fewShotExamples: [] }, 'Generate Python code: sort a list')).toEqual({
			format: 'text',
			text: 'Generate Python code: sort a list'
		});
		expect(formatPrompt('codet5p', { systemPrompt: 'Write code.', fewShotExamples: examples }, 'Generate Go code: x')).toEqual({
			format: 'text',
			text: 'Write code.\n\nQ1\nA1\n\nQ2\nA2\n\nGenerate Go code: x'
		});
	});
});

describe('parameters', () => {
	it('are renamed to what the model server takes', () => {
		expect(normaliseParameters('whiterabbitneo', { maxTokens: 300, temperature: 0.2, topP: 0.9, seed: 7, stop: ['###'] })).toEqual({
			max_new_tokens: 300,
			temperature: 0.2,
			top_p: 0.9,
			seed: 7,
			stop: ['###']
		});
	});

	it('default when absent', () => {
		expect(normaliseParameters('whiterabbitneo', {})).toEqual({ max_new_tokens: 1024, temperature: 0.7 });
		expect(normaliseParameters('codet5p', {})).toEqual({ max_new_tokens: 512, temperature: 0.7 });
	});

	it("are clamped to each model's limits", () => {
		expect(normaliseParameters('whiterabbitneo', { maxTokens: 100_000 }).max_new_tokens).toBe(4096);
		expect(normaliseParameters('codet5p', { maxTokens: 100_000 }).max_new_tokens).toBe(1024);
		expect(normaliseParameters('codet5p', { maxTokens: 0 }).max_new_tokens).toBe(1);
		expect(normaliseParameters('codet5p', { maxTokens: 10.6 }).max_new_tokens).toBe(11);
		expect(normaliseParameters('codet5p', { temperature: 5 }).temperature).toBe(2);
		expect(normaliseParameters('codet5p', { temperature: -1 }).temperature).toBe(0);
		expect(normaliseParameters('codet5p', { topP: 0 }).top_p).toBe(0.01);
		expect(normaliseParameters('codet5p', { topP: 1.5 })).not.toHaveProperty('top_p');
		expect(normaliseParameters('codet5p', { seed: -3 }).seed).toBe(0);
		expect(normaliseParameters('codet5p', { seed: 2 ** 40 }).seed).toBe(2 ** 31 - 1);
	});

	it('stop sequences: empty ones dropped, duplicates removed, at most four', () => {
		expect(normaliseParameters('whiterabbitneo', { stop: ['a', '', 'a', 'b', 'c', 'd', 'e'] }).stop).toEqual(['a', 'b', 'c', 'd']);
		expect(normaliseParameters('whiterabbitneo', { stop: [''] })).not.toHaveProperty('stop');
	});

	it('values of the wrong type are refused', () => {
		expect(parametersSchema('codet5p').safeParse({ temperature: 'hot' }).success).toBe(false);
		expect(parametersSchema('codet5p').safeParse({ maxTokens: Number.NaN }).success).toBe(false);
		expect(parametersSchema('codet5p').safeParse({ stop: 'x' }).success).toBe(false);
	});
});

describe('starter prompts', () => {
	it("ship the original plan's tasks, each valid content whose variables render for its model", async () => {
		const { STARTER_PROMPTS } = await import('../../src/lib/server/models/starters');
		const { draftContentSchema } = await import('../../src/lib/prompt-doc');
		const { extractVariables, renderTemplate } = await import('../../src/lib/template');
		expect(STARTER_PROMPTS.map((s) => `${s.model}:${s.key}`)).toEqual([
			'whiterabbitneo:analyse',
			'whiterabbitneo:security-review',
			'whiterabbitneo:optimise',
			'codet5p:generate-code',
			'whiterabbitneo:complete-function'
		]);
		for (const starter of STARTER_PROMPTS) {
			expect(draftContentSchema.parse(starter.content)).toEqual(starter.content);
			expect(starter.content.parameters.modelType).toBe(starter.model);
			const values = Object.fromEntries(extractVariables(starter.content.userPromptTemplate).map((v) => [v, `<${v}>`]));
			expect(renderTemplate(starter.content.userPromptTemplate, values)).not.toContain('{{');
		}
		const generate = STARTER_PROMPTS.find((s) => s.key === 'generate-code')!;
		expect(renderTemplate(generate.content.userPromptTemplate, { language: 'Python', task: 'sort a list' })).toBe('Generate Python code: sort a list');
	});
});
