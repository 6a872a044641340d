// Where sign-in sends a person back to (F6): only ever a page of this studio. Each target is given as
// the action receives it (already decoded from the query or the form); whatever comes out is then
// resolved the way a browser resolves a Location header (WHATWG URL), and must stay on the studio.
import { describe, expect, it } from 'vitest';
import { AFTER_SIGNIN, safeRedirectPath } from '$lib/server/auth/redirect';

const STUDIO = 'https://studio.example';
/** Where a browser on the sign-in page goes when answered `Location: location`. */
const landsOn = (location: string) => new URL(location, `${STUDIO}/signin?redirectTo=x`);

const HOSTILE = [
	'//evil.example',
	'//evil.example/path',
	'/\\evil.example',
	'\\\\evil.example',
	'/\\/evil.example',
	'/\t/evil.example',
	'/\t/evil.example/',
	'/\n/evil.example',
	'/\r\n/evil.example',
	'\t//evil.example',
	' //evil.example',
	'/\u0000/evil.example',
	'/\u001f/evil.example',
	'/\u007f/evil.example',
	'/\u0085/evil.example',
	'/..//evil.example',
	'/%2e%2e//evil.example',
	'/./%2E%2E/..//evil.example',
	'https://evil.example',
	'https://evil.example/workspaces',
	'http:evil.example',
	'https:/evil.example',
	'HTTPS://evil.example',
	'javascript:alert(document.cookie)',
	'JaVaScRiPt:alert(1)',
	'java\tscript:alert(1)',
	'data:text/html,<script>alert(1)</script>',
	'evil.example',
	'workspaces',
	'?x=1',
	'#top',
	'',
	`/${'a'.repeat(2001)}`
];

describe('the page to go back to after signing in', () => {
	for (const target of HOSTILE) {
		it(`refuses ${JSON.stringify(target.slice(0, 40))} and stays on the studio`, () => {
			const location = safeRedirectPath(target);
			expect(location).toBe(AFTER_SIGNIN);
			expect(landsOn(location).origin).toBe(STUDIO);
		});
	}

	it('refuses nothing at all with the fallback, and takes another fallback when given one', () => {
		expect(safeRedirectPath(null)).toBe(AFTER_SIGNIN);
		expect(safeRedirectPath(undefined)).toBe(AFTER_SIGNIN);
		expect(safeRedirectPath('//evil.example', '/')).toBe('/');
	});

	it.each([
		['/workspaces', '/workspaces'],
		['/ok?x=1#y', '/ok?x=1#y'],
		['/w/team/prompts/add?version=2', '/w/team/prompts/add?version=2'],
		['/library/team/add?/star', '/library/team/add?/star'],
		['/w/a/../b', '/w/b'],
		['/search?q=a%20b&next=//evil.example', '/search?q=a%20b&next=//evil.example']
	])('keeps the path %j of this studio as %j', (target, expected) => {
		const location = safeRedirectPath(target);
		expect(location).toBe(expected);
		expect(landsOn(location).origin).toBe(STUDIO);
	});

	it('leaves percent-escapes escaped: "/%09/…" and "/%5C…" are paths here, never another host', () => {
		// As sent in a query string these arrive decoded ("/\t/…", "/\…") and are refused above;
		// escaped once more they stay text in our own path.
		for (const target of ['/%09/evil.example', '/%5Cevil.example', '/%2F/evil.example', '/%2f%2fevil.example']) {
			const location = safeRedirectPath(target);
			expect(location).toBe(target);
			expect(landsOn(location).origin).toBe(STUDIO);
			expect(landsOn(location).pathname).toBe(target);
		}
	});
});
