// The Publish tab previews each run by a few lines of its answer: never blank lines and an ellipsis.
import { describe, expect, it } from 'vitest';
import { answerExcerpt, EXCERPT_LIMITS } from '$lib/server/publishing/overview';
import { readTriedOn, sortTriedOn, triedOnEntry } from '$lib/schemas/publishing';

describe('a run’s preview', () => {
	it('starts at the first line with text, leaves out blank and fence lines, and cuts with an ellipsis', () => {
		expect(answerExcerpt('\n\n\n   \n```python\ndef f():\n\n    return 1\n```\n')).toBe('def f():\n    return 1');
		expect(answerExcerpt('a\nb\nc\nd\ne\nf')).toBe('a\nb\nc\nd…');
		const long = answerExcerpt('word '.repeat(200));
		expect(long.length).toBeLessThanOrEqual(EXCERPT_LIMITS.chars + 1);
		expect(long).toMatch(/word…$/);
		expect(answerExcerpt('\n \n\t\n')).toBe('');
	});
});

describe('what "Tried on" lists', () => {
	it('names the stand-in as itself, and a model by its id; the models first', () => {
		expect(triedOnEntry({ model: 'codet5p', standIn: 'codetune-tiny-code' })).toBe('stand-in:codetune-tiny-code');
		expect(triedOnEntry({ model: 'codet5p', standIn: null })).toBe('codet5p');
		expect(sortTriedOn(['stand-in:codetune-tiny-code', 'whiterabbitneo', 'codet5p', 'codet5p'])).toEqual(['codet5p', 'whiterabbitneo', 'stand-in:codetune-tiny-code']);
		expect(readTriedOn('stand-in:codetune-tiny-code')).toEqual({ kind: 'stand-in', name: 'codetune-tiny-code' });
		expect(readTriedOn('codet5p')).toEqual({ kind: 'model', model: 'codet5p' });
		expect(readTriedOn('gpt-2')).toBeNull();
		expect(readTriedOn('stand-in:')).toBeNull();
	});
});
