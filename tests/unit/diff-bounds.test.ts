// Diffs are bounded: two long texts that share nothing are compared within the budget and shown
// coarser with a sentence saying why, instead of holding the server's thread for seconds (a word
// diff of two 12k-character lines took 8.6 s, a character diff of 18k characters 17 s).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replaceText } from '$lib/prompt-doc';
import { DIFF_NOTICES, diffContents, diffText, wordSegments } from '$lib/server/versions/diff';

const words = (count: number, letter: string) => Array.from({ length: count }, (_, i) => `${letter}${i % 7}`).join(' ');
const lines = (count: number, letter: string) => Array.from({ length: count }, (_, i) => `${letter} line ${i}`).join('\n');
const content = (template: string) => ({
	systemPrompt: 'You are a reviewer.',
	userPromptTemplate: template,
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 1024 }
});

/**
 * Far below what an unbounded diff took (8.6–27 s) and far above a loaded machine's jitter: the
 * budget itself is 30 ms a comparison, and how fast it runs is npm run bench's to say, not a test's.
 */
const FREEZE_MS = 2_000;

function timed<T>(work: () => T): { value: T; ms: number } {
	const started = performance.now();
	const value = work();
	return { value, ms: performance.now() - started };
}

describe('bounded diffs', () => {
	it('two 12k-character lines that share no word: shown whole at once, with the reason', () => {
		const { value, ms } = timed(() => wordSegments(words(4000, 'a'), words(4000, 'b')));
		expect(ms).toBeLessThan(FREEZE_MS);
		expect(value.compared).toBe(false);
		expect(value.left).toEqual([{ text: words(4000, 'a'), changed: false }]);
		expect(value.right).toEqual([{ text: words(4000, 'b'), changed: false }]);
	});

	it('the diff of two 12k-character templates answers within its budget and says they are too different to compare word by word', () => {
		const { value: diff, ms } = timed(() => diffContents(content(words(4000, 'a')), content(words(4000, 'b'))));
		expect(ms).toBeLessThan(FREEZE_MS);
		const template = diff.fields.find((f) => f.field === 'template')!;
		expect(template.notice).toBe(DIFF_NOTICES.words);
		expect(template.notice).toContain('too different to compare word by word');
		expect(template).toMatchObject({ changed: true, added: 1, removed: 1 });
		expect(diff.fields.filter((f) => f.field !== 'template').map((f) => f.notice)).toEqual([null, null, null]);
	});

	it('10k lines rewritten: old shown removed and new added, with the reason, within the budget', () => {
		const { value: field, ms } = timed(() => diffText('template', lines(10_000, 'a'), lines(10_000, 'b')));
		expect(ms).toBeLessThan(FREEZE_MS);
		expect(field.notice).toBe(DIFF_NOTICES.lines);
		expect(field).toMatchObject({ added: 10_000, removed: 10_000 });
		expect(field.inline[0]).toEqual({ kind: 'removed', oldLine: 1, segments: [{ text: 'a line 0', changed: false }] });
		expect(field.inline[10_000]).toEqual({ kind: 'added', newLine: 1, segments: [{ text: 'b line 0', changed: false }] });
	});

	it('an ordinary edit is still diffed word by word, with no notice', () => {
		const long = words(4000, 'a');
		const edited = long.slice(0, 6000) + 'EDIT' + long.slice(6002);
		const field = diffText('template', long, edited);
		expect(field.notice).toBeNull();
		const removed = field.inline.find((row) => row.kind === 'removed');
		expect(removed && 'segments' in removed ? removed.segments.filter((s) => s.changed).map((s) => s.text) : null).toEqual([long.slice(6000, 6002)]);
	});

	it('an empty budget (timeoutMs 0) shows every changed part coarsely and says so', () => {
		const diff = diffContents(content('one\ntwo'), content('one\nthree'), { timeoutMs: 0 });
		expect(diff.fields.find((f) => f.field === 'template')!.notice).toBe(DIFF_NOTICES.lines);
		expect(diff.fields.find((f) => f.field === 'system')!).toMatchObject({ changed: false, notice: null });
	});
});

describe('replacing a draft text with another (restore, rollback)', () => {
	it('18k characters rewritten with other text: done within the budget, the text exact, a cursor in the common start kept', () => {
		const doc = new Y.Doc();
		const text = doc.getText('template');
		const before = 'Keep this intro. ' + words(6000, 'c') + ' and this end.';
		const after = 'Keep this intro. ' + words(6000, 'd') + ' and this end.';
		text.insert(0, before);
		const cursor = Y.createRelativePositionFromTypeIndex(text, 5);
		const { ms } = timed(() => doc.transact(() => replaceText(text, after)));
		expect(ms).toBeLessThan(FREEZE_MS);
		expect(text.toString()).toBe(after);
		expect(Y.createAbsolutePositionFromRelativePosition(cursor, doc)?.index).toBe(5);
	});

	it('a small edit is still the smallest edit: a cursor after it moves with its text', () => {
		const doc = new Y.Doc();
		const text = doc.getText('template');
		text.insert(0, 'Review this code carefully.');
		const cursor = Y.createRelativePositionFromTypeIndex(text, 'Review this code'.length);
		replaceText(text, 'Review this Python code carefully.');
		expect(text.toString()).toBe('Review this Python code carefully.');
		expect(Y.createAbsolutePositionFromRelativePosition(cursor, doc)?.index).toBe('Review this Python code'.length);
	});

	it('never splits a surrogate pair', () => {
		const doc = new Y.Doc();
		const text = doc.getText('template');
		text.insert(0, 'a😀b');
		replaceText(text, 'a😃b');
		expect(text.toString()).toBe('a😃b');
		replaceText(text, '😃');
		expect(text.toString()).toBe('😃');
	});
});
