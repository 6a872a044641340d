// Model output as markdown: marked with highlight.js for code blocks (a dozen common languages from
// highlight.js's core, not its whole bundle). A model's answer is hostile: HTML it writes is shown as
// text, never parsed, and what marked emits still passes the allow-list in sanitize.ts. Streaming
// text is often inside an unclosed code fence; marked renders that as a code block that grows.
// Browser only: without a DOM nothing can be sanitized, so the server shows plain text.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import { Marked } from 'marked';
import { markedHighlight } from 'marked-highlight';
import { revealHidden } from '$lib/hidden-characters';
import { canSanitize, sanitizeHtml } from './sanitize';

const LANGUAGES = { bash, c, cpp, go, java, javascript, json, python, rust, sql, typescript, xml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
// Names models write after the fence that the definitions above do not alias themselves.
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

const escapeHtml = (text: string) =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const marked = new Marked(
	{
		gfm: true,
		breaks: false,
		renderer: {
			// The model's own HTML, block or inline, is text the reader sees, not markup.
			html: ({ text, block }) => (block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text)),
			// A task list's box is a mark, not a form control.
			checkbox: ({ checked }) => (checked ? '☑ ' : '☐ '),
			// An image would be fetched as the reader opens the page (a tracker, or a GET of our own
			// URLs): it is a link to the image instead, which the allow-list checks like any link.
			image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`
		}
	},
	markedHighlight({
		langPrefix: 'hljs language-',
		emptyLangClass: 'hljs',
		highlight(code, lang) {
			// An unknown or missing language stays plain (escaped by marked-highlight), never guessed.
			if (!lang || !hljs.getLanguage(lang)) return code;
			return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
		}
	})
);

/** Markdown to HTML, NOT sanitized: only for `renderMarkdown` below (and tests). Raw HTML comes out escaped. */
export function markdownToHtml(text: string): string {
	// Hidden controls shown first, so that neither the page nor a Copy button carries one unseen.
	return marked.parse(revealHidden(text), { async: false });
}

/** Whether this environment can sanitize HTML (a browser); where it cannot, show plain text. */
export const canRenderMarkdown = canSanitize;

/** Sanitized HTML of the model's markdown, or null where it cannot be sanitized (the server). */
export function renderMarkdown(text: string): string | null {
	if (!canRenderMarkdown()) return null;
	return sanitizeHtml(markdownToHtml(text));
}
