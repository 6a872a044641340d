// The allow-list that HTML from a model's answer passes before it enters a page: exactly the markup
// marked and highlight.js emit, nothing that acts (no form control, no style, no handler, no script
// or frame, no SVG or MathML), links only to http(s), mailto or an anchor, opened with no opener.
// A model answer is hostile: a <form> with an invisible full-page button posts, from our own origin
// and with the reader's cookie, whatever the model chose (F4). Browser only (DOMPurify needs a DOM).
import DOMPurify, { type Config, type DOMPurify as Purifier } from 'dompurify';

const ALLOWED_TAGS = [
	'a',
	'blockquote',
	'br',
	'code',
	'del',
	'em',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'hr',
	'li',
	'ol',
	'p',
	'pre',
	'span',
	'strong',
	'table',
	'tbody',
	'td',
	'th',
	'thead',
	'tr',
	'ul'
];

const CONFIG: Config = {
	ALLOWED_TAGS,
	// href (links), title (a link's title), class (highlight.js only, see below), align (table
	// columns), start (an ordered list that starts at 3).
	ALLOWED_ATTR: ['href', 'title', 'class', 'align', 'start'],
	// Checked against ALLOWED_URI_REGEXP otherwise, which plain words like "center" do not match.
	ADD_URI_SAFE_ATTR: ['align', 'start'],
	// No relative or protocol-relative link: a same-origin URL is ours to link to, not a model's.
	ALLOWED_URI_REGEXP: /^(?:https?:\/\/|mailto:|#)/i,
	ALLOW_DATA_ATTR: false,
	ALLOW_ARIA_ATTR: false,
	ALLOW_UNKNOWN_PROTOCOLS: false,
	ALLOW_SELF_CLOSE_IN_ATTR: false,
	// A dropped element's text stays, as text: the reader sees what the model wrote.
	KEEP_CONTENT: true
};

/**
 * Class names highlight.js gives code: `hljs`, `hljs-keyword`, `language-python`, and its sub-scopes
 * (`function_`, `class_`). Any other class could be one of the studio's own utility classes (`fixed
 * inset-0 z-50`), which would let a model lay an element over the page without a style attribute.
 */
const HIGHLIGHT_CLASS = /^(?:hljs(?:-[\w-]+)?|language-[\w+#.-]+|[a-z]+_+)$/;

let purifier: Purifier | undefined;

function configured(): Purifier {
	if (purifier) return purifier;
	const instance = DOMPurify(window);
	instance.addHook('uponSanitizeAttribute', (_node, data) => {
		if (data.attrName !== 'class') return;
		const kept = data.attrValue.split(/\s+/).filter((name) => HIGHLIGHT_CLASS.test(name));
		data.attrValue = kept.join(' ');
		if (kept.length === 0) data.keepAttr = false;
	});
	instance.addHook('afterSanitizeAttributes', (node) => {
		if (node.tagName !== 'A' || !node.hasAttribute('href')) return;
		node.setAttribute('rel', 'noopener noreferrer nofollow');
		if (/^https?:/i.test(node.getAttribute('href')!.trim())) node.setAttribute('target', '_blank');
	});
	purifier = instance;
	return instance;
}

/** Whether this environment can sanitize HTML (a browser, or a DOM in tests). */
export function canSanitize(): boolean {
	return typeof window !== 'undefined' && DOMPurify.isSupported;
}

/** `html` with everything outside the allow-list removed. Throws where there is no DOM to do it with. */
export function sanitizeHtml(html: string): string {
	// Without a DOM DOMPurify hands its input back unchanged: refuse rather than return it.
	if (!canSanitize()) throw new Error('sanitizeHtml needs a DOM (call it in the browser)');
	return configured().sanitize(html, CONFIG);
}
