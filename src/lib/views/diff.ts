// The diff of two prompt contents as the version pages render it: per prompt part, lines with the
// words that changed. The server computes it ($lib/server/versions); the components only draw it.

export const DIFF_FIELDS = ['system', 'template', 'examples', 'parameters'] as const;
export type DiffField = (typeof DIFF_FIELDS)[number];

export const FIELD_TITLES: Record<DiffField, string> = {
	system: 'System prompt',
	template: 'User template',
	examples: 'Few-shot examples',
	parameters: 'Parameters'
};

/** A run of text in a changed line; `changed` marks the words that differ from the paired line. */
export interface Segment {
	text: string;
	changed: boolean;
}

export interface DiffCell {
	line: number;
	segments: Segment[];
}

/** One line of the inline (unified) view. A `skip` stands for `count` unchanged lines folded away. */
export type InlineRow =
	| { kind: 'same'; oldLine: number; newLine: number; segments: Segment[] }
	| { kind: 'removed'; oldLine: number; segments: Segment[] }
	| { kind: 'added'; newLine: number; segments: Segment[] }
	| { kind: 'skip'; count: number; oldLine: number; newLine: number };

/** One row of the side-by-side view: old on the left, new on the right; a side may be empty. */
export type SplitRow =
	| { kind: 'same'; left: DiffCell; right: DiffCell }
	| { kind: 'changed'; left: DiffCell | null; right: DiffCell | null }
	| { kind: 'skip'; count: number; oldLine: number; newLine: number };

export interface FieldDiff {
	field: DiffField;
	title: string;
	changed: boolean;
	/** Why this part is shown coarser than usual (too different to compare in time), or null. */
	notice: string | null;
	added: number;
	removed: number;
	inline: InlineRow[];
	split: SplitRow[];
}

export interface PromptDiff {
	changed: boolean;
	added: number;
	removed: number;
	fields: FieldDiff[];
}
