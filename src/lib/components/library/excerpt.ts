// A search excerpt as the page shows it: plain text in parts, the parts the search matched marked.
// The server marks matches with private-use characters (EXCERPT_MARK), never with HTML, so the page
// renders each part as text inside <mark> or not: no markup from the excerpt ever reaches the page.
import { EXCERPT_MARK } from '$lib/schemas/publishing';

export interface ExcerptPart {
	text: string;
	marked: boolean;
}

export function excerptParts(excerpt: string): ExcerptPart[] {
	const parts: ExcerptPart[] = [];
	let marked = false;
	let text = '';
	const flush = () => {
		if (text) parts.push({ text, marked });
		text = '';
	};
	for (const char of excerpt) {
		if (char === EXCERPT_MARK.start || char === EXCERPT_MARK.end) {
			flush();
			marked = char === EXCERPT_MARK.start;
		} else {
			text += char;
		}
	}
	flush();
	return parts;
}
