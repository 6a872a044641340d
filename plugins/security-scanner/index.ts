// Scans a model's output for leaked secrets, dangerous shell commands and known-vulnerable code
// patterns; every finding has its rule id, severity and line.
import { z } from 'zod';
import { definePlugin, type Finding } from '$lib/server/plugins/types';
import { RULES, SECRET_ASSIGNMENT, entropy, mask } from './rules';

const configSchema = z.object({
	categories: z.array(z.enum(['secret', 'shell', 'vulnerable'])).default(['secret', 'shell', 'vulnerable']),
	/** Bits per character above which an assigned string counts as a secret (random base64 ≈ 5+, words ≈ 3). */
	minEntropy: z.number().min(0).max(8).default(3.5),
	disabledRules: z.array(z.string()).default([])
});

export default definePlugin({
	manifest: {
		id: 'security-scanner',
		name: 'Security scanner',
		version: '1.0.0',
		description: 'Secrets (AWS, private keys, GitHub, Slack, Hugging Face, high-entropy assignments), dangerous shell commands and vulnerable code patterns in outputs.',
		hooks: ['analyseOutput'],
		configSchema
	},
	analyseOutput({ output, config }) {
		const findings: Finding[] = [];
		const rules = RULES.filter((r) => config.categories.includes(r.category) && !config.disabledRules.includes(r.id));
		output.split('\n').forEach((text, i) => {
			const line = i + 1;
			let secretOnLine = false;
			for (const rule of rules) {
				const match = text.match(rule.pattern);
				if (!match) continue;
				if (rule.category === 'secret') secretOnLine = true;
				const shown = rule.category === 'secret' ? ` (${mask(match[0])})` : '';
				findings.push({ ruleId: rule.id, severity: rule.severity, message: `${rule.message}${shown}`, location: { line } });
			}
			const assignment = text.match(SECRET_ASSIGNMENT);
			if (assignment && !secretOnLine && config.categories.includes('secret') && !config.disabledRules.includes('high-entropy-secret')) {
				const value = assignment[4]!;
				if (entropy(value) >= config.minEntropy)
					findings.push({ ruleId: 'high-entropy-secret', severity: 'warning', message: `${assignment[1]} holds a random-looking secret (${mask(value)})`, location: { line } });
			}
		});
		const counts: Record<string, number> = {};
		for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
		return { findings, metrics: counts };
	}
});
