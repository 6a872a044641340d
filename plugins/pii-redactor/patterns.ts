// What counts as personal data, with checks that keep false positives down (Luhn for cards,
// mod-97 for IBANs, octet ranges for IPv4, the SSA's never-issued areas for SSNs).
export type Category = 'email' | 'phone' | 'credit-card' | 'iban' | 'ipv4' | 'ssn';

export function luhn(number: string): boolean {
	const digits = number.replace(/\D/g, '');
	if (digits.length < 13 || digits.length > 19) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return sum % 10 === 0;
}

export function ibanValid(iban: string): boolean {
	const s = iban.replace(/\s/g, '').toUpperCase();
	const moved = s.slice(4) + s.slice(0, 4);
	let rest = 0;
	for (const c of moved) {
		const v = /\d/.test(c) ? c : String(c.charCodeAt(0) - 55);
		for (const d of v) rest = (rest * 10 + Number(d)) % 97;
	}
	return rest === 1;
}

export const PATTERNS: Record<Category, { regex: RegExp; label: string; valid?: (s: string) => boolean }> = {
	// Bounded as RFC 5321 bounds them (local part 64, domain 253): unbounded, `a-a-a-…` took quadratic time.
	email: { regex: /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g, label: 'EMAIL' },
	iban: { regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, label: 'IBAN', valid: ibanValid },
	'credit-card': { regex: /(?<![A-Za-z\d]|\d[ -])\d(?:[ -]?\d){12,18}(?![ -]?\d)/g, label: 'CARD', valid: luhn },
	ssn: { regex: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g, label: 'SSN' },
	ipv4: { regex: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g, label: 'IP' },
	phone: { regex: /(?<![\w.+]|\d[ .-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}(?!\w|[ .-]?\d)/g, label: 'PHONE' }
};
