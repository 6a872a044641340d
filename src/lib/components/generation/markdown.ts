// Model output as markdown: marked with highlight.js for code blocks (a dozen common languages from
// highlight.js's core, not its whole bundle), made safe by DOMPurify. Streaming text is often inside
// an unclosed code fence; marked renders that as a code block that grows. Browser only: without a
// DOM DOMPurify cannot sanitize (it would hand the HTML back as is), so the server shows plain text.
import DOMPurify from 'dompurify';
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

const LANGUAGES = { bash, c, cpp, go, java, javascript, json, python, rust, sql, typescript, xml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
// Names models write after the fence that the definitions above do not alias themselves.
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

const marked = new Marked(
	{ gfm: true, breaks: false },
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

/** Markdown to HTML, NOT sanitized: only for `renderMarkdown` below (and tests). */
export function markdownToHtml(text: string): string {
	return marked.parse(text, { async: false });
}

/** Whether this environment can sanitize HTML (a browser); where it cannot, show plain text. */
export function canRenderMarkdown(): boolean {
	return typeof window !== 'undefined' && DOMPurify.isSupported;
}

/** Sanitized HTML of the model's markdown, or null where it cannot be sanitized (the server). */
export function renderMarkdown(text: string): string | null {
	if (!canRenderMarkdown()) return null;
	return DOMPurify.sanitize(markdownToHtml(text), { USE_PROFILES: { html: true } });
}
