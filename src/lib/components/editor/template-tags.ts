// Where the Mustache tags of a template are, and what kind each is: what the template editor
// highlights as it is typed. Pure, so the same matching is unit-tested without a browser.

export type TemplateTagKind = 'variable' | 'section' | 'inverted' | 'end';

export interface TemplateTag {
	from: number;
	to: number;
	kind: TemplateTagKind;
	name: string;
}

/**
 * One tag: `{{name}}`, `{{#section}}`, `{{^inverted}}`, `{{/end}}` (and `{{&raw}}`, `{{{raw}}}`),
 * names as extractVariablesLenient reads them. Global, for MatchDecorator and matchAll.
 */
export const TEMPLATE_TAG = /\{\{(\{?)\s*([#^/&]?)\s*([\w.-]+)\s*\}?\}\}/g;

const KINDS: Record<string, TemplateTagKind> = { '#': 'section', '^': 'inverted', '/': 'end', '&': 'variable', '': 'variable' };

/** The kind and name of one TEMPLATE_TAG match. */
export function tagOf(match: RegExpExecArray | RegExpMatchArray): { kind: TemplateTagKind; name: string } {
	return { kind: KINDS[match[2] ?? ''] ?? 'variable', name: match[3] ?? '' };
}

/** Every tag in `text`, in order. */
export function findTemplateTags(text: string): TemplateTag[] {
	return [...text.matchAll(TEMPLATE_TAG)].map((match) => ({
		from: match.index,
		to: match.index + match[0].length,
		...tagOf(match)
	}));
}

/** Names used as a section or an inverted section somewhere in `text`: shown as "section" in the panel. */
export function sectionNames(text: string): Set<string> {
	const names = new Set<string>();
	for (const tag of findTemplateTags(text)) {
		if (tag.kind === 'section' || tag.kind === 'inverted') names.add(tag.name.split('.')[0]!);
	}
	return names;
}
