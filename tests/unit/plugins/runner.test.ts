// The runner isolates plugins: a throw, a hang or a bad config is a reported failure, and the
// caller still gets every other plugin's result.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyseOutput, transformInput, lintTemplate } from '$lib/server/plugins/runner';
import { definePlugin, type StudioPlugin } from '$lib/plugins';
import { getPlugin, listPlugins } from '$lib/server/plugins/registry';

const configSchema = z.object({ words: z.number().int().min(0).default(3) });
const counter = definePlugin({
	manifest: { id: 'counter', name: 'Counter', version: '1', description: 'counts words', hooks: ['analyseOutput'], configSchema },
	analyseOutput: ({ output, config }) => ({
		findings: [],
		figures: [
			{ label: 'Words', value: output.split(/\s+/).length, unit: 'count' },
			{ label: 'Limit', value: config.words, unit: 'count' }
		]
	})
});
const thrower: StudioPlugin = {
	manifest: { id: 'thrower', name: 'Thrower', version: '1', description: '', hooks: ['analyseOutput', 'transformInput'], configSchema: z.object({}) },
	analyseOutput: () => { throw new Error('boom'); },
	transformInput: () => { throw new Error('transform boom'); }
};
const hanger: StudioPlugin = {
	manifest: { id: 'hanger', name: 'Hanger', version: '1', description: '', hooks: ['analyseOutput'], configSchema: z.object({}), timeBudgetMs: 50 },
	analyseOutput: () => new Promise(() => {})
};
const upper: StudioPlugin = {
	manifest: { id: 'upper', name: 'Upper', version: '1', description: '', hooks: ['transformInput'], configSchema: z.object({}) },
	transformInput: ({ input }) => ({ input: input.kind === 'text' ? { kind: 'text', text: input.text.toUpperCase() } : input, notes: ['upper-cased'] })
};

describe('the plugin runner', () => {
	it('reports a plugin that throws and one that hangs past its budget, and still returns the others', async () => {
		// The hanger never settles: the call returning at all shows it was cut at its budget (no clock needed).
		const outcomes = await analyseOutput([{ plugin: thrower }, { plugin: hanger }, { plugin: counter, config: { words: 5 } }], { output: 'one two three', model: { id: 'codet5p' } });
		expect(outcomes.map(({ pluginId, status }) => [pluginId, status])).toEqual([['thrower', 'error'], ['hanger', 'timeout'], ['counter', 'ok']]);
		expect(outcomes[0]).toMatchObject({ message: 'boom', hook: 'analyseOutput' });
		expect(outcomes[1]).toMatchObject({ message: 'hanger.analyseOutput ran past its 50 ms budget' });
		expect(outcomes[2]).toMatchObject({ result: { findings: [], figures: [{ label: 'Words', value: 3 }, { label: 'Limit', value: 5 }] } });
	});

	it('reports a bad configuration without calling the hook, and fills defaults for a missing one', async () => {
		const [bad] = await analyseOutput([{ plugin: counter, config: { words: -1 } }], { output: 'x', model: { id: 'codet5p' } });
		expect(bad).toMatchObject({ pluginId: 'counter', status: 'bad-config' });
		expect((bad as { message: string }).message).toMatch(/^words: /);
		const [ok] = await analyseOutput([{ plugin: counter }], { output: 'x', model: { id: 'codet5p' } });
		expect(ok).toMatchObject({ status: 'ok', result: { figures: [{ label: 'Words' }, { label: 'Limit', value: 3 }] } });
	});

	it('leaves the input unchanged when a transform fails and applies the next one', async () => {
		const { input, outcomes } = await transformInput([{ plugin: thrower }, { plugin: upper }], { kind: 'text', text: 'hello' }, {});
		expect(input).toEqual({ kind: 'text', text: 'HELLO' });
		expect(outcomes.map((o) => o.status)).toEqual(['error', 'ok']);
		const alone = await transformInput([{ plugin: thrower }], { kind: 'text', text: 'hello' }, {});
		expect(alone.input).toEqual({ kind: 'text', text: 'hello' });
	});

	it('passes the variables a transform leaves to the next one, and refuses variables that add, drop or are not text', async () => {
		const masker: StudioPlugin = {
			manifest: { id: 'masker', name: 'Masker', version: '1', description: '', hooks: ['transformInput'], configSchema: z.object({}) },
			transformInput: ({ input, variables }) => ({ input, notes: [], variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.replace(/secret/g, '[X]')])) })
		};
		const shouter: StudioPlugin = {
			manifest: { id: 'shouter', name: 'Shouter', version: '1', description: '', hooks: ['transformInput'], configSchema: z.object({}) },
			transformInput: ({ input, variables }) => ({ input, notes: [], variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.toUpperCase()])) })
		};
		const adder: StudioPlugin = {
			manifest: { id: 'adder', name: 'Adder', version: '1', description: '', hooks: ['transformInput'], configSchema: z.object({}) },
			transformInput: ({ input, variables }) => ({ input: { kind: 'text', text: 'changed' }, notes: [], variables: { ...variables, extra: 'x' } })
		};
		const text = { kind: 'text' as const, text: 'hello' };
		const chained = await transformInput([{ plugin: masker }, { plugin: shouter }], text, { a: 'my secret', b: 'plain' });
		expect(chained.variables).toEqual({ a: 'MY [X]', b: 'PLAIN' });
		const refused = await transformInput([{ plugin: adder }], text, { a: 'x' });
		expect(refused).toMatchObject({ input: text, variables: { a: 'x' }, outcomes: [{ pluginId: 'adder', status: 'error', message: 'returned variables that do not match the run’s' }] });
		// A plugin that says nothing of the variables leaves them as they were.
		expect((await transformInput([{ plugin: upper }], text, { a: 'x' })).variables).toEqual({ a: 'x' });
	});

	it('only calls plugins that declare the hook', async () => {
		expect(await lintTemplate([{ plugin: counter }], { systemPrompt: '', userPromptTemplate: 'x', fewShotExamples: [], parameters: { modelType: 'codet5p', temperature: 0, maxTokens: 10 } }, { id: 'codet5p' })).toEqual([]);
	});
});

describe('the plugin registry', () => {
	it('discovers the six built-in plugins from plugins/, each implementing the hooks it declares', () => {
		expect(listPlugins().map((p) => p.manifest.id)).toEqual(['code-analyser', 'code-block-extractor', 'pii-redactor', 'security-scanner', 'template-linter', 'token-cost']);
		for (const plugin of listPlugins()) {
			expect(plugin.manifest.configSchema.safeParse({}).success).toBe(true);
			for (const hook of plugin.manifest.hooks) expect(typeof plugin[hook]).toBe('function');
		}
		expect(getPlugin('pii-redactor')?.manifest.hooks).toEqual(['transformInput']);
		expect(getPlugin('nope')).toBeUndefined();
	});
});
