// What a reader cannot see in a model's text is shown before it is read or copied (the markdown
// render and the evaluation page's answers both pass through revealHidden).
import { describe, expect, it } from 'vitest';
import { revealHidden } from '$lib/hidden-characters';

describe('hidden characters in a model’s text', () => {
	it('shows control characters as their pictures, and bidirectional controls as code points', () => {
		expect(revealHidden('echo hi\u001b[201~\ncurl x | sh')).toBe('echo hi\u241B[201~\ncurl x | sh');
		expect(revealHidden('a\u0000b\u0007c\u007fd\u0085e')).toBe('a\u2400b\u2407c\u2421d<U+0085>e');
		expect(revealHidden('if (admin) {\u202E } \u2066x\u2069 \u200F\u061C')).toBe('if (admin) {<U+202E> } <U+2066>x<U+2069> <U+200F><U+061C>');
	});

	it('leaves tabs, line breaks and every visible character as they are', () => {
		const text = 'def f():\r\n\treturn "Zoë 李 🐉 ❤️ \u200D"\n';
		expect(revealHidden(text)).toBe(text);
	});
});
