// Scans a model's output for leaked secrets, dangerous shell commands and known-vulnerable code
// patterns; every finding has its rule id, severity and line. What it reads is bounded (SCAN_LIMITS).
import { z } from 'zod';
import { definePlugin, type Finding } from '$lib/plugins';
import { RULES, SCAN_LIMITS, entropy, mask, secretAssignment } from './rules';

const configSchema = z.object({
	categories: z.array(z.enum(['secret', 'shell', 'vulnerable'])).default(['secret', 'shell', 'vulnerable']),
	/** Bits per character above which an assigned string counts as a secret (random base64 ≈ 5+, words ≈ 3). */
	minEntropy: z.number().min(0).max(8).default(3.5),
	disabledRules: z.array(z.string()).default([])
});

/** A line as the scanner reads it: whole, or in overlapping windows when it is long. */
function windows(line: string): string[] {
	const { windowChars, overlapChars } = SCAN_LIMITS;
	if (line.length <= windowChars) return [line];
	const parts: string[] = [];
	for (let at = 0; at < line.length - overlapChars; at += windowChars - overlapChars) parts.push(line.slice(at, at + windowChars));
	return parts;
}

function firstMatch<T>(parts: string[], find: (part: string) => T | null): T | null {
	for (const part of parts) {
		const found = find(part);
		if (found) return found;
	}
	return null;
}

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
		output.slice(0, SCAN_LIMITS.outputChars).split('\n').forEach((text, i) => {
			const line = i + 1;
			const parts = windows(text);
			let secretOnLine = false;
			for (const rule of rules) {
				const match = firstMatch(parts, (part) => part.match(rule.pattern));
				if (!match) continue;
				if (rule.category === 'secret') secretOnLine = true;
				// A secret is shown masked, and its line is not: the report must not copy what it warns about.
				const shown = rule.category === 'secret' ? ` (${mask(match[0])})` : '';
				const excerpt = rule.category === 'secret' ? {} : { excerpt: { code: lineExcerpt(text) } };
				findings.push({ ruleId: rule.id, severity: rule.severity, message: `${rule.message}${shown}`, location: { line }, ...excerpt });
			}
			const assignment = secretOnLine || !config.categories.includes('secret') || config.disabledRules.includes('high-entropy-secret') ? null : firstMatch(parts, secretAssignment);
			if (assignment && entropy(assignment.value) >= config.minEntropy)
				findings.push({ ruleId: 'high-entropy-secret', severity: 'warning', message: `${assignment.name} holds a random-looking secret (${mask(assignment.value)})`, location: { line } });
		});
		if (output.length > SCAN_LIMITS.outputChars)
			findings.push({ ruleId: 'not-scanned', severity: 'info', message: `Only the first ${SCAN_LIMITS.outputChars} characters were scanned.` });
		return { findings };
	}
});

/** The offending line as the report shows it: trimmed, and cut past a few hundred characters. */
function lineExcerpt(text: string): string {
	const line = text.trim();
	return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
