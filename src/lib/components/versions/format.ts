// Shared wording and formatting of the version pages.
import type { DiffField } from '$lib/views/diff';
import type { CommentAnchor } from '$lib/views/versions';

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

export const formatWhen = (iso: string) => dateTime.format(new Date(iso));

export const FIELD_NAMES: Record<DiffField, string> = {
	system: 'system prompt',
	template: 'user template',
	examples: 'few-shot examples',
	parameters: 'parameters'
};

/** "line 3 of the new user template" */
export function anchorText(anchor: CommentAnchor): string {
	return `line ${anchor.line} of the ${anchor.side} ${FIELD_NAMES[anchor.field]}`;
}

export const sameAnchor = (a: CommentAnchor | null, b: CommentAnchor | null) =>
	!!a && !!b && a.field === b.field && a.side === b.side && a.line === b.line;
