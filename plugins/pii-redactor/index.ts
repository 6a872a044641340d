// Replaces personal data in the rendered input with numbered placeholders ([EMAIL_1], [PHONE_2]…)
// before it reaches the model, and in the run's variables, which the studio records in place of the
// values it was given: a redacted value is sent nowhere and kept nowhere. The same value gets the
// same placeholder across the whole input and the variables.
import { z } from 'zod';
import { definePlugin, type PluginInput } from '$lib/plugins';
import { PATTERNS, type Category } from './patterns';

const CATEGORIES = ['email', 'iban', 'credit-card', 'ssn', 'ipv4', 'phone'] as const satisfies readonly Category[];
const configSchema = z.object({ categories: z.array(z.enum(CATEGORIES)).default([...CATEGORIES]) });

/** Each category in words, for the report. */
const NAMES: Record<Category, { one: string; many: string }> = {
	email: { one: 'email address', many: 'email addresses' },
	phone: { one: 'phone number', many: 'phone numbers' },
	'credit-card': { one: 'card number', many: 'card numbers' },
	iban: { one: 'IBAN', many: 'IBANs' },
	ipv4: { one: 'IP address', many: 'IP addresses' },
	ssn: { one: 'social security number', many: 'social security numbers' }
};

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
	transformInput({ input, variables, config }) {
		const texts = input.kind === 'text' ? [input.text] : input.messages.map((m) => m.content);
		const names = Object.keys(variables);
		// The input first: its placeholders are numbered in the order a reader meets them.
		const { texts: redacted, counts } = redact([...texts, ...names.map((name) => variables[name]!)], config.categories);
		const next: PluginInput = input.kind === 'text' ? { kind: 'text', text: redacted[0]! } : { kind: 'chat', messages: input.messages.map((m, i) => ({ ...m, content: redacted[i]! })) };
		const recorded = Object.fromEntries(names.map((name, i) => [name, redacted[texts.length + i]!]));
		const entries = Object.entries(counts) as [Category, number][];
		const notes = entries.map(([category, n]) => `${n} ${n === 1 ? NAMES[category].one : NAMES[category].many} replaced by ${n === 1 ? 'a placeholder' : 'placeholders'}`);
		return { input: next, variables: recorded, notes };
	}
});
