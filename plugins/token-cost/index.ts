// Estimates a run's tokens in and out and what it cost: either per 1k tokens (a hosted API's price)
// or per GPU-hour times the run's latency (the studio's own Space). Tokens are estimated, not counted
// by the models' tokenizers (see src/lib/plugins/tokens.ts).
import { z } from 'zod';
import { definePlugin, estimateTokens } from '$lib/plugins';

const configSchema = z.object({
	pricing: z.enum(['per-1k-tokens', 'per-gpu-hour']).default('per-gpu-hour'),
	inputPer1k: z.number().min(0).default(0),
	outputPer1k: z.number().min(0).default(0),
	/** Hugging Face's price of an A100 large Space at the time of writing, in dollars. */
	gpuHourly: z.number().min(0).default(2.5)
});

export default definePlugin({
	manifest: {
		id: 'token-cost',
		name: 'Token and cost counter',
		version: '1.0.0',
		description: 'Estimated tokens in and out and the cost of a run, per 1k tokens or per GPU-hour of latency.',
		hooks: ['analyseOutput'],
		configSchema
	},
	analyseOutput({ output, input, latencyMs, config }) {
		const inputText = !input ? '' : input.kind === 'text' ? input.text : input.messages.map((m) => m.content).join('\n');
		const tokensIn = estimateTokens(inputText);
		const tokensOut = estimateTokens(output);
		let cost: number | null;
		if (config.pricing === 'per-1k-tokens') cost = (tokensIn / 1000) * config.inputPer1k + (tokensOut / 1000) * config.outputPer1k;
		else cost = latencyMs === undefined ? null : (latencyMs / 3_600_000) * config.gpuHourly;
		const findings = cost === null ? [{ ruleId: 'no-latency', severity: 'info' as const, message: 'No latency for this run: GPU-hour cost not computed.' }] : [];
		return {
			findings,
			metrics: { tokensIn, tokensOut, estimated: true, pricing: config.pricing, costUsd: cost === null ? null : Math.round(cost * 1e6) / 1e6 }
		};
	}
});
