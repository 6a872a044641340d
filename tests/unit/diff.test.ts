import { describe, expect, it } from 'vitest';
import type { DraftContent } from '$lib/prompt-doc';
import { diffContents, diffText, fieldText, splitLines, wordSegments, type InlineRow, type SplitRow } from '$lib/server/versions/diff';

const content = (over: Partial<DraftContent> = {}): DraftContent => ({
	systemPrompt: 'You are a security reviewer.',
	userPromptTemplate: 'Review this {{language}} code:\n{{code}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.7, maxTokens: 2048 },
	...over
});

const text = (segments: { text: string }[]) => segments.map((s) => s.text).join('');
const changedWords = (segments: { text: string; changed: boolean }[]) => segments.filter((s) => s.changed).map((s) => s.text);

function inlineShape(rows: InlineRow[]): string[] {
	return rows.map((row) => {
		switch (row.kind) {
			case 'same':
				return `  ${row.oldLine}/${row.newLine} ${text(row.segments)}`;
			case 'removed':
				return `- ${row.oldLine} ${text(row.segments)}`;
			case 'added':
				return `+ ${row.newLine} ${text(row.segments)}`;
			case 'skip':
				return `… ${row.count}`;
		}
	});
}

function splitShape(rows: SplitRow[]): string[] {
	return rows.map((row) =>
		row.kind === 'skip'
			? `… ${row.count}`
			: `${row.left ? `${row.left.line}:${text(row.left.segments)}` : '·'} | ${row.right ? `${row.right.line}:${text(row.right.segments)}` : '·'}`
	);
}

describe('the diff model', () => {
	it('numbers lines as the editor does: none for empty text, a trailing newline makes a last empty line', () => {
		expect(splitLines('')).toEqual([]);
		expect(splitLines('a')).toEqual(['a']);
		expect(splitLines('a\n')).toEqual(['a', '']);
	});

	it('says two equal contents have no change, in every part', () => {
		const diff = diffContents(content(), content());
		expect(diff.changed).toBe(false);
		expect(diff.fields.map((f) => [f.field, f.changed])).toEqual([
			['system', false],
			['template', false],
			['examples', false],
			['parameters', false]
		]);
		expect(diff.added + diff.removed).toBe(0);
	});

	it('pairs a changed line with its replacement and marks only the words that differ', () => {
		const field = diffText('template', 'Review this {{language}} code:\n{{code}}', 'Audit this {{language}} code:\n{{code}}');
		expect(inlineShape(field.inline)).toEqual(['- 1 Review this {{language}} code:', '+ 1 Audit this {{language}} code:', '  2/2 {{code}}']);
		const [removed, added] = field.inline as Extract<InlineRow, { segments: unknown }>[];
		expect(changedWords(removed!.segments)).toEqual(['Review']);
		expect(changedWords(added!.segments)).toEqual(['Audit']);
		expect(splitShape(field.split)).toEqual(['1:Review this {{language}} code: | 1:Audit this {{language}} code:', '2:{{code}} | 2:{{code}}']);
		expect([field.added, field.removed]).toEqual([1, 1]);
	});

	it('shows lines only added or only removed against an empty other side', () => {
		const field = diffText('system', 'one\ntwo\nthree', 'one\nthree\nfour');
		expect(inlineShape(field.inline)).toEqual(['  1/1 one', '- 2 two', '  3/2 three', '+ 3 four']);
		expect(splitShape(field.split)).toEqual(['1:one | 1:one', '2:two | ·', '3:three | 2:three', '· | 3:four']);
	});

	it('treats a line that differs only by its newline as unchanged and shows the new empty last line', () => {
		const field = diffText('system', 'a\nb', 'a\nb\n');
		expect(inlineShape(field.inline)).toEqual(['  1/1 a', '  2/2 b', '+ 3 ']);
		expect(field.changed).toBe(true);
	});

	it('shows lines whole when a pair shares too little to mark words', () => {
		const { left, right } = wordSegments('completely different words', 'nothing alike here at all');
		expect(left).toEqual([{ text: 'completely different words', changed: false }]);
		expect(right).toEqual([{ text: 'nothing alike here at all', changed: false }]);
	});

	it('keeps whitespace changes visible at word level', () => {
		const { left, right } = wordSegments('a  b c', 'a b c');
		expect(text(left)).toBe('a  b c');
		expect(text(right)).toBe('a b c');
		expect(changedWords(left)).toEqual(['  ']);
	});

	it('folds long unchanged runs into a skip, keeping three lines of context around changes', () => {
		const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
		const changed = [...lines];
		changed[9] = 'line ten';
		const field = diffText('system', lines.join('\n'), changed.join('\n'));
		expect(inlineShape(field.inline)).toEqual([
			'… 6',
			'  7/7 line 7',
			'  8/8 line 8',
			'  9/9 line 9',
			'- 10 line 10',
			'+ 10 line ten',
			'  11/11 line 11',
			'  12/12 line 12',
			'  13/13 line 13',
			'… 7'
		]);
		expect(field.inline[0]).toEqual({ kind: 'skip', count: 6, oldLine: 1, newLine: 1 });
		expect(splitShape(field.split)[0]).toBe('… 6');
		const full = diffText('system', lines.join('\n'), changed.join('\n'), { context: Infinity });
		expect(full.inline).toHaveLength(21);
	});

	it('diffs every prompt part: few-shot examples and parameters as text', () => {
		const before = content({ fewShotExamples: [{ input: 'eval(x)', output: 'Never eval input.' }] });
		const after = content({
			fewShotExamples: [{ input: 'eval(x)', output: 'Never eval user input.' }],
			parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 2048, stop: ['###'] }
		});
		const diff = diffContents(before, after);
		const byField = Object.fromEntries(diff.fields.map((f) => [f.field, f]));
		expect(byField.system!.changed).toBe(false);
		expect(inlineShape(byField.examples!.inline)).toContain('+ 5 Never eval user input.');
		expect(inlineShape(byField.parameters!.inline)).toEqual([
			'  1/1 modelType: whiterabbitneo',
			'- 2 temperature: 0.7',
			'+ 2 temperature: 0.2',
			'  3/3 maxTokens: 2048',
			'+ 4 stop: ["###"]'
		]);
		expect(fieldText(after, 'examples')).toBe('## Example 1\nInput:\neval(x)\nOutput:\nNever eval user input.');
	});

	it('diffs from nothing when there is no old side (a label that points nowhere yet)', () => {
		const diff = diffContents(null, content());
		const system = diff.fields.find((f) => f.field === 'system')!;
		expect(inlineShape(system.inline)).toEqual(['+ 1 You are a security reviewer.']);
		expect(diff.changed).toBe(true);
	});
});
