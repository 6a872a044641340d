// Puts a run's tokens in and out and its cost next to its output. The figures are the run's own, as
// execution_history records them (the counts the model reported, the cost the studio charged), so
// the report and the run's page always say the same. Only a count the model did not report is
// estimated (src/lib/plugins/tokens.ts), and the report says so.
import { z } from 'zod';
import { definePlugin, estimateTokens, type Figure, type Finding, type PluginInput } from '$lib/plugins';

// No settings: prices are the studio's (MODEL_COST_PER_HOUR_USD), not a second set kept here.
// Settings saved by earlier versions (pricing, per-1k prices, GPU-hour price) are accepted and unused.
const configSchema = z.object({});

const textOf = (input: PluginInput | undefined) => (!input ? '' : input.kind === 'text' ? input.text : input.messages.map((m) => m.content).join('\n'));

const FREE_BECAUSE = { cache: 'answered from the cache', 'stand-in': 'local stand-in model' } as const;

export default definePlugin({
	manifest: {
		id: 'token-cost',
		name: 'Token and cost counter',
		version: '2.0.0',
		description: 'The tokens in and out and the cost of each run, as the run recorded them, next to its output.',
		hooks: ['analyseOutput'],
		configSchema
	},
	analyseOutput({ output, input, usage }) {
		const counted = (value: number | null | undefined, text: string, label: string): Figure =>
			value === null || value === undefined
				? { label, value: estimateTokens(text), unit: 'tokens', note: 'estimated' }
				: { label, value, unit: 'tokens', note: 'counted by the model' };
		const figures: Figure[] = [counted(usage?.promptTokens, textOf(input), 'Prompt tokens'), counted(usage?.completionTokens, output, 'Completion tokens')];
		const findings: Finding[] = [];
		if (usage) figures.push({ label: 'Cost', value: usage.costUsd, unit: 'usd', ...(usage.free ? { note: FREE_BECAUSE[usage.free] } : {}) });
		else findings.push({ ruleId: 'no-usage', severity: 'info', message: 'This run recorded no cost.' });
		return { findings, figures };
	}
});
