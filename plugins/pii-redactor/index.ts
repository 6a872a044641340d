// Replaces personal data in the rendered input with numbered placeholders ([EMAIL_1], [PHONE_2]…)
// before it reaches the model. The same value gets the same placeholder across the whole input.
import { z } from 'zod';
import { definePlugin, type PluginInput } from '$lib/plugins';
import { PATTERNS, type Category } from './patterns';

const CATEGORIES = ['email', 'iban', 'credit-card', 'ssn', 'ipv4', 'phone'] as const satisfies readonly Category[];
const configSchema = z.object({ categories: z.array(z.enum(CATEGORIES)).default([...CATEGORIES]) });

export function redact(texts: string[], categories: readonly Category[]): { texts: string[]; counts: Partial<Record<Category, number>> } {
	const seen = new Map<string, string>();
	const counts: Partial<Record<Category, number>> = {};
	let out = texts;
	// Order matters: an IBAN or a card number must be taken before the phone pattern sees its digits.
	for (const category of CATEGORIES.filter((c) => categories.includes(c))) {
		const { regex, valid, label } = PATTERNS[category];
		out = out.map((text) =>
			text.replace(regex, (match) => {
				if (valid && !valid(match)) return match;
				const key = `${category}:${match.replace(/[\s-]/g, '')}`;
				let placeholder = seen.get(key);
				if (!placeholder) {
					counts[category] = (counts[category] ?? 0) + 1;
					placeholder = `[${label}_${counts[category]}]`;
					seen.set(key, placeholder);
				}
				return placeholder;
			})
		);
	}
	return { texts: out, counts };
}

export default definePlugin({
	manifest: {
		id: 'pii-redactor',
		name: 'PII redactor',
		version: '1.0.0',
		description: 'Replaces emails, phone numbers, card numbers (Luhn-checked), IBANs, IPv4 addresses and US SSNs in the input with placeholders.',
		hooks: ['transformInput'],
		configSchema
	},
	transformInput({ input, config }) {
		const texts = input.kind === 'text' ? [input.text] : input.messages.map((m) => m.content);
		const { texts: redacted, counts } = redact(texts, config.categories);
		const next: PluginInput = input.kind === 'text' ? { kind: 'text', text: redacted[0]! } : { kind: 'chat', messages: input.messages.map((m, i) => ({ ...m, content: redacted[i]! })) };
		const notes = Object.entries(counts).map(([c, n]) => `${n} ${c} value${n === 1 ? '' : 's'} redacted`);
		return { input: next, notes, metrics: counts as Record<string, number> };
	}
});
