// The PII redactor replaces personal data with numbered placeholders before a run.
import { describe, expect, it } from 'vitest';
import redactor from '../../../plugins/pii-redactor';
import { ibanValid, luhn } from '../../../plugins/pii-redactor/patterns';

const all = ['email', 'iban', 'credit-card', 'ssn', 'ipv4', 'phone'] as const;
const run = (text: string, categories: (typeof all)[number][] = [...all]) =>
	redactor.transformInput!({ input: { kind: 'text', text }, variables: {}, config: { categories } });

describe('the PII redactor', () => {
	it('replaces each kind of personal data and counts them', async () => {
		const text = 'Ticket from jane.doe@example.com (again jane.doe@example.com), call +1 415-555-0132 or 020 7946 0958. ' +
			'Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, server 192.168.1.20, cc bob@corp.io.';
		const r = await run(text);
		expect(r.input).toEqual({
			kind: 'text',
			text: 'Ticket from [EMAIL_1] (again [EMAIL_1]), call [PHONE_1] or [PHONE_2]. Card [CARD_1], IBAN [IBAN_1], SSN [SSN_1], server [IP_1], cc [EMAIL_2].'
		});
		expect(r.notes).toEqual([
			'2 email addresses replaced by placeholders',
			'1 IBAN replaced by a placeholder',
			'1 card number replaced by a placeholder',
			'1 social security number replaced by a placeholder',
			'1 IP address replaced by a placeholder',
			'2 phone numbers replaced by placeholders'
		]);
	});

	it('leaves numbers that fail their checks alone', async () => {
		const text = 'Order 4111 1111 1111 1112, version 1.2.3.4.5, IBAN DE89 3704 0044 0532 0130 01, build 999.1.1.1, year 2024';
		expect((await run(text)).input).toEqual({ kind: 'text', text });
		expect(luhn('4111111111111111')).toBe(true);
		expect(luhn('4111111111111112')).toBe(false);
		expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
	});

	it('redacts only the configured categories, in every chat message', async () => {
		const r = await redactor.transformInput!({
			input: { kind: 'chat', messages: [{ role: 'system', content: 'Admin: ops@example.com' }, { role: 'user', content: 'Why is 10.0.0.1 unreachable? Mail ops@example.com' }] },
			variables: {},
			config: { categories: ['email'] }
		});
		expect(r.input).toEqual({ kind: 'chat', messages: [{ role: 'system', content: 'Admin: [EMAIL_1]' }, { role: 'user', content: 'Why is 10.0.0.1 unreachable? Mail [EMAIL_1]' }] });
	});

	it('gives the variables the same placeholders as the prompt, so the run records no value it redacted', async () => {
		const r = await redactor.transformInput!({
			input: { kind: 'text', text: 'Write to bob@example.com about the order.' },
			variables: { contact: 'bob@example.com', phone: 'call +1 415-555-0132', note: 'nothing personal', cc: 'ann@example.org' },
			config: { categories: [...all] }
		});
		expect(r.input).toEqual({ kind: 'text', text: 'Write to [EMAIL_1] about the order.' });
		expect(r.variables).toEqual({ contact: '[EMAIL_1]', phone: 'call [PHONE_1]', note: 'nothing personal', cc: '[EMAIL_2]' });
		expect(JSON.stringify(r)).not.toMatch(/bob@example\.com|415-555-0132|ann@example\.org/);
	});
});
