// The words of joining a team and of one's account, as pure rules: which display names are
// readable, how a browser's User-Agent is said, and the snippets' quoting (a variable's name with a
// quote in it must not break the shell command or the Python).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { promptSnippets, versionOptions } from '$lib/api/snippets';
import { displayNameSchema } from '$lib/schemas/account';
import { describeUserAgent } from '$lib/user-agent';

describe('a display name', () => {
	it('is trimmed, with runs of spaces made one; empty means "show my username"', () => {
		expect(displayNameSchema.parse('  Ada \t  Lovelace  ')).toBe('Ada Lovelace');
		expect(displayNameSchema.parse('   ')).toBe('');
		// Line breaks (a newline, a Unicode line separator) are spaces too: a name is one line.
		expect(displayNameSchema.parse('Line\nbreak\u2028here')).toBe('Line break here');
		expect(displayNameSchema.parse('Zoë Müller-Smith')).toBe('Zoë Müller-Smith');
		expect(displayNameSchema.parse('李小龍 🐉')).toBe('李小龍 🐉');
	});

	it('refuses what would hide or disguise a name: controls, invisible formatting, overrides, private use', () => {
		for (const bad of ['Ada\u202Eecalevol', 'A\u200Bda', 'A\u2060da', 'Bell\u0007', 'Private\uE000use', '...', 'x'.repeat(65)]) {
			expect(displayNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
		}
		expect(displayNameSchema.safeParse('x'.repeat(64)).success).toBe(true);
	});

	it('refuses blank letters, which pass as a letter and show nothing: Hangul fillers, the braille blank, a grapheme joiner', () => {
		for (const bad of ['\u3164', '\u115F\u1160', '\uFFA0', '\u2800', 'A\u034Fda', 'Ada\u3164Lovelace', 'A\u17B4da']) {
			expect(displayNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
		}
		// An emoji's presentation selector is no disguise: it stays.
		expect(displayNameSchema.parse('Ada \u2764\uFE0F')).toBe('Ada \u2764\uFE0F');
	});
});

describe("a browser's User-Agent in words", () => {
	it.each([
		['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0', 'Firefox on Windows'],
		['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36', 'Chrome on Linux'],
		['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/141.0.0.0 Safari/537.36', 'Chrome on Linux'],
		['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15', 'Safari on macOS'],
		['Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1', 'Safari on iPhone'],
		['Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Mobile Safari/537.36 EdgA/141.0', 'Edge on Android'],
		['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Safari/537.36 Edg/141.0', 'Edge on Windows'],
		['curl/8.5.0', 'curl (a command line)'],
		['Mozilla/5.0 (X11; Linux x86_64)', 'A browser on Linux'],
		['SomethingElse/1.0', 'An unknown browser'],
		['', 'A browser that did not say which']
	])('%s → %s', (userAgent, words) => {
		expect(describeUserAgent(userAgent)).toBe(words);
	});
});

describe('the "Use this prompt" snippets', () => {
	const origin = 'https://studio.example.com';

	it('offer production first, then the other labels; with no label, the newest version; with no version, nothing', () => {
		const versions = [
			{ number: 3, labels: ['beta', 'staging'], variables: ['a'] },
			{ number: 2, labels: ['production'], variables: ['b'] },
			{ number: 1, labels: [], variables: [] }
		];
		expect(versionOptions(versions).map((o) => o.title)).toEqual(['production (v2)', 'beta (v3)', 'staging (v3)']);
		expect(versionOptions([{ number: 4, labels: [], variables: ['x'] }])).toEqual([{ title: 'v4, the newest (no label yet)', choice: { version: 4 }, variables: ['x'] }]);
		expect(versionOptions([])).toEqual([]);
	});

	it("quote a variable's name with quotes in it so that bash passes the JSON body unchanged", () => {
		const { curl } = promptSnippets({ origin, promptSlug: 'review', choice: { label: 'production' }, variables: ["it's", 'say "hi"'] });
		const dataArgument = /-d ('(?:[^']|'\\'')*')/.exec(curl)![1]!;
		const passed = execFileSync('bash', ['-c', `printf %s ${dataArgument}`], { encoding: 'utf8' });
		expect(JSON.parse(passed)).toEqual({ label: 'production', variables: { "it's": "<it's>", 'say "hi"': '<say "hi">' }, stream: false });
	});

	it('name the real paths, the token variable and the chosen version in every language', () => {
		const snippets = promptSnippets({ origin, promptSlug: 'review', choice: { version: 4 }, variables: [] });
		for (const code of Object.values(snippets)) {
			expect(code).toContain('https://studio.example.com/api/v1/prompts/review');
			expect(code).toContain('CTS_API_TOKEN');
		}
		expect(snippets.curl).toContain("'https://studio.example.com/api/v1/prompts/review?version=4'");
		expect(snippets.python).toContain('params={\n    "version": 4\n}');
		expect(snippets.python).toContain('"stream": False');
		expect(snippets.typescript).toContain('"version": 4');
	});
});
