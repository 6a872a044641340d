// The diff model of two prompt contents, per prompt part, by line (jsdiff diffLines) and, inside a
// changed line pair, by word (diffWordsWithSpace). Pure and computed on the server; the components
// in $lib/components/versions only render it. Line numbers are the editor's: text.split('\n').
// Myers' diff costs up to (edits)² on the server's one thread, so every call is bounded (jsdiff's
// maxEditLength and timeout, one time budget per comparison); past a bound a part is shown coarser
// and says so in a sentence (`notice`).
import { diffLines, diffWordsWithSpace, type ChangeObject } from 'diff';
import type { DraftContent, FewShotExample } from '$lib/prompt-doc';
import { DIFF_FIELDS, FIELD_TITLES, type DiffCell, type DiffField, type FieldDiff, type InlineRow, type PromptDiff, type Segment, type SplitRow } from '$lib/views/diff';

export { DIFF_FIELDS, FIELD_TITLES, type DiffCell, type DiffField, type FieldDiff, type InlineRow, type PromptDiff, type Segment, type SplitRow };

export interface DiffOptions {
	/** Unchanged lines kept around each change; longer unchanged runs fold into a `skip`. Infinity keeps all. */
	context?: number;
	/**
	 * Time the whole comparison may take on the server's thread (all parts, lines and words). Past
	 * it, what is left is shown coarser: lines whole, or old as removed and new as added.
	 */
	timeoutMs?: number;
}

export const DIFF_LIMITS = {
	/** Default time budget of one comparison: short enough that other requests barely notice it. */
	budgetMs: 30,
	/** Line edits (removed + added lines) after which a part is not compared line by line. */
	lineEdits: 1_000,
	/** Word edits after which a changed line pair is not compared word by word. */
	wordEdits: 300
} as const;

export const DIFF_NOTICES = {
	lines: 'These versions are too different to compare line by line: the old text is shown removed and the new text added.',
	words: 'Some changed lines are too different to compare word by word: they are shown whole.'
} as const;

/** One comparison's time budget, shared by every jsdiff call it makes. */
class DiffBudget {
	private readonly deadline: number;
	constructor(ms: number) {
		this.deadline = Date.now() + Math.max(0, ms);
	}
	/** Milliseconds left for the next call, 0 when spent. */
	left(): number {
		return Math.max(0, this.deadline - Date.now());
	}
}

// ───────────────────────── prompt parts as text ─────────────────────────

function examplesText(examples: FewShotExample[]): string {
	return examples.map((example, i) => `## Example ${i + 1}\nInput:\n${example.input}\nOutput:\n${example.output}`).join('\n\n');
}

const PARAMETER_ORDER = ['modelType', 'temperature', 'maxTokens', 'topP', 'seed', 'stop'] as const;

function parametersText(parameters: DraftContent['parameters']): string {
	const record = parameters as Record<string, unknown>;
	const keys = [...PARAMETER_ORDER, ...Object.keys(record).filter((key) => !(PARAMETER_ORDER as readonly string[]).includes(key)).sort()];
	return keys
		.filter((key) => record[key] !== undefined)
		.map((key) => `${key}: ${typeof record[key] === 'string' ? record[key] : JSON.stringify(record[key])}`)
		.join('\n');
}

/** The text a part of the prompt is diffed (and line-commented) as; '' when there is no content. */
export function fieldText(content: DraftContent | null, field: DiffField): string {
	if (!content) return '';
	switch (field) {
		case 'system':
			return content.systemPrompt;
		case 'template':
			return content.userPromptTemplate;
		case 'examples':
			return examplesText(content.fewShotExamples);
		case 'parameters':
			return parametersText(content.parameters);
	}
}

/** The editor's lines of a text: none for '', and a trailing newline makes a last empty line. */
export function splitLines(text: string): string[] {
	return text === '' ? [] : text.split('\n');
}

// ───────────────────────── line and word diff ─────────────────────────

type Aligned =
	| { kind: 'same'; oldLine: number; newLine: number; text: string }
	| { kind: 'removed'; oldLine: number; segments: Segment[] }
	| { kind: 'added'; newLine: number; segments: Segment[] }
	| { kind: 'pair'; oldLine: number; newLine: number; left: Segment[]; right: Segment[] };

/**
 * Words that changed between two lines; when they share too little, the lines are shown whole.
 * `compared` is false when the word diff went past its bounds (the lines are then shown whole too).
 */
export function wordSegments(
	oldText: string,
	newText: string,
	budget = new DiffBudget(DIFF_LIMITS.budgetMs)
): { left: Segment[]; right: Segment[]; compared: boolean } {
	const time = budget.left();
	const changes = time > 0 ? diffWordsWithSpace(oldText, newText, { maxEditLength: DIFF_LIMITS.wordEdits, timeout: time }) : undefined;
	if (!changes) return { left: whole(oldText), right: whole(newText), compared: false };
	const common = changes.filter((c) => !c.added && !c.removed).reduce((sum, c) => sum + c.value.length, 0);
	const longest = Math.max(oldText.length, newText.length);
	if (longest > 0 && common / longest < 0.35) return { left: whole(oldText), right: whole(newText), compared: true };
	const side = (skip: 'added' | 'removed', mark: 'added' | 'removed') =>
		merge(changes.filter((c) => !c[skip]).map((c) => ({ text: c.value, changed: c[mark] })));
	return { left: side('added', 'removed'), right: side('removed', 'added'), compared: true };
}

function merge(segments: Segment[]): Segment[] {
	const out: Segment[] = [];
	for (const segment of segments) {
		const last = out.at(-1);
		if (last && last.changed === segment.changed) last.text += segment.text;
		else if (segment.text) out.push({ ...segment });
	}
	return out;
}

function changeLines(change: ChangeObject<string>): string[] {
	// Each text was joined with a '\n' after every line (below), so every value ends with one.
	return change.value.slice(0, -1).split('\n');
}

/** The rows of two texts aligned line by line, and which bound (if any) made them coarser. */
function align(oldText: string, newText: string, budget: DiffBudget): { rows: Aligned[]; notice: string | null } {
	const oldLines = splitLines(oldText);
	const newLines = splitLines(newText);
	const joined = (lines: string[]) => lines.map((line) => `${line}\n`).join('');
	const time = budget.left();
	const changes = time > 0 ? diffLines(joined(oldLines), joined(newLines), { maxEditLength: DIFF_LIMITS.lineEdits, timeout: time }) : undefined;
	if (!changes) {
		// Too different to align in time: every old line removed, every new one added, none paired.
		const rows: Aligned[] = [
			...oldLines.map((text, i): Aligned => ({ kind: 'removed', oldLine: i + 1, segments: whole(text) })),
			...newLines.map((text, i): Aligned => ({ kind: 'added', newLine: i + 1, segments: whole(text) }))
		];
		return { rows, notice: DIFF_NOTICES.lines };
	}
	let wordsCompared = true;
	const rows: Aligned[] = [];
	let oldLine = 1;
	let newLine = 1;
	for (let i = 0; i < changes.length; i++) {
		const change = changes[i]!;
		if (!change.value) continue;
		if (!change.added && !change.removed) {
			for (const text of changeLines(change)) rows.push({ kind: 'same', oldLine: oldLine++, newLine: newLine++, text });
			continue;
		}
		// jsdiff gives a removal before the addition that replaces it: pair them line by line.
		const removed = change.removed ? changeLines(change) : [];
		const next = changes[i + 1];
		const added = change.added ? changeLines(change) : next?.added && next.value ? (i++, changeLines(next)) : [];
		const pairs = Math.min(removed.length, added.length);
		for (let k = 0; k < pairs; k++) {
			const { left, right, compared } = wordSegments(removed[k]!, added[k]!, budget);
			wordsCompared &&= compared;
			rows.push({ kind: 'pair', oldLine: oldLine++, newLine: newLine++, left, right });
		}
		for (const text of removed.slice(pairs)) rows.push({ kind: 'removed', oldLine: oldLine++, segments: whole(text) });
		for (const text of added.slice(pairs)) rows.push({ kind: 'added', newLine: newLine++, segments: whole(text) });
	}
	return { rows, notice: wordsCompared ? null : DIFF_NOTICES.words };
}

function whole(text: string): Segment[] {
	return [{ text, changed: false }];
}

/** An unchanged part: every line the same on both sides, no diff needed. */
function sameRows(text: string): Aligned[] {
	return splitLines(text).map((line, i) => ({ kind: 'same', oldLine: i + 1, newLine: i + 1, text: line }));
}

// ───────────────────────── views ─────────────────────────

type Block = { kind: 'same'; rows: Extract<Aligned, { kind: 'same' }>[] } | { kind: 'change'; rows: Exclude<Aligned, { kind: 'same' }>[] };

function blocks(rows: Aligned[]): Block[] {
	const out: Block[] = [];
	for (const row of rows) {
		const kind = row.kind === 'same' ? 'same' : 'change';
		const last = out.at(-1);
		if (last?.kind === kind) (last.rows as Aligned[]).push(row);
		else out.push(row.kind === 'same' ? { kind: 'same', rows: [row] } : { kind: 'change', rows: [row] });
	}
	return out;
}

/** Unchanged lines to show of a run: the edges near changes, and what folds between them. */
function folds(run: number, first: boolean, last: boolean, context: number): { head: number; skip: number } {
	if (!Number.isFinite(context)) return { head: run, skip: 0 };
	const head = first ? 0 : context;
	const tail = last ? 0 : context;
	if (run - head - tail <= 1) return { head: run, skip: 0 }; // folding one line saves nothing
	return { head, skip: run - head - tail };
}

function inlineRows(parts: Block[], context: number): InlineRow[] {
	const rows: InlineRow[] = [];
	parts.forEach((part, index) => {
		if (part.kind === 'change') {
			const removed = part.rows.flatMap((r): InlineRow[] =>
				r.kind === 'pair' ? [{ kind: 'removed', oldLine: r.oldLine, segments: r.left }] : r.kind === 'removed' ? [r] : []
			);
			const added = part.rows.flatMap((r): InlineRow[] =>
				r.kind === 'pair' ? [{ kind: 'added', newLine: r.newLine, segments: r.right }] : r.kind === 'added' ? [r] : []
			);
			rows.push(...removed, ...added);
			return;
		}
		const { head, skip } = folds(part.rows.length, index === 0, index === parts.length - 1, context);
		part.rows.forEach((r, i) => {
			if (i === head && skip) rows.push({ kind: 'skip', count: skip, oldLine: r.oldLine, newLine: r.newLine });
			if (i < head || i >= head + skip) rows.push({ kind: 'same', oldLine: r.oldLine, newLine: r.newLine, segments: whole(r.text) });
		});
	});
	return rows;
}

function splitRows(parts: Block[], context: number): SplitRow[] {
	const rows: SplitRow[] = [];
	parts.forEach((part, index) => {
		if (part.kind === 'change') {
			const left: DiffCell[] = [];
			const right: DiffCell[] = [];
			for (const r of part.rows) {
				if (r.kind === 'pair') {
					left.push({ line: r.oldLine, segments: r.left });
					right.push({ line: r.newLine, segments: r.right });
				} else if (r.kind === 'removed') left.push({ line: r.oldLine, segments: r.segments });
				else right.push({ line: r.newLine, segments: r.segments });
			}
			for (let i = 0; i < Math.max(left.length, right.length); i++) {
				rows.push({ kind: 'changed', left: left[i] ?? null, right: right[i] ?? null });
			}
			return;
		}
		const { head, skip } = folds(part.rows.length, index === 0, index === parts.length - 1, context);
		part.rows.forEach((r, i) => {
			if (i === head && skip) rows.push({ kind: 'skip', count: skip, oldLine: r.oldLine, newLine: r.newLine });
			if (i < head || i >= head + skip) {
				rows.push({ kind: 'same', left: { line: r.oldLine, segments: whole(r.text) }, right: { line: r.newLine, segments: whole(r.text) } });
			}
		});
	});
	return rows;
}

export function diffText(
	field: DiffField,
	oldText: string,
	newText: string,
	options: DiffOptions = {},
	budget = new DiffBudget(options.timeoutMs ?? DIFF_LIMITS.budgetMs)
): FieldDiff {
	const context = options.context ?? 3;
	const { rows: aligned, notice } = oldText === newText ? { rows: sameRows(oldText), notice: null } : align(oldText, newText, budget);
	const parts = blocks(aligned);
	const added = aligned.filter((r) => r.kind === 'added' || r.kind === 'pair').length;
	const removed = aligned.filter((r) => r.kind === 'removed' || r.kind === 'pair').length;
	return {
		field,
		title: FIELD_TITLES[field],
		changed: oldText !== newText,
		notice,
		added,
		removed,
		inline: inlineRows(parts, context),
		split: splitRows(parts, context)
	};
}

/** Every part of two prompt contents, old → new; a missing old side (no base yet) diffs from empty. */
export function diffContents(oldContent: DraftContent | null, newContent: DraftContent | null, options: DiffOptions = {}): PromptDiff {
	const budget = new DiffBudget(options.timeoutMs ?? DIFF_LIMITS.budgetMs);
	const fields = DIFF_FIELDS.map((field) => diffText(field, fieldText(oldContent, field), fieldText(newContent, field), options, budget));
	return {
		changed: fields.some((f) => f.changed),
		added: fields.reduce((sum, f) => sum + f.added, 0),
		removed: fields.reduce((sum, f) => sum + f.removed, 0),
		fields
	};
}
