// After signing in a person goes back where they were headed, and only ever to a page of this studio
// (F6: `/signin?redirectTo=/%09/evil.example/` used to land on evil.example, as browsers drop the tab
// and read "//evil.example"). Through the real sign-in form of a running studio: every Location it
// answers is resolved as a browser would resolve it, and must stay on the studio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { FormClient, signUpOverHttp } from '../helpers/form-client';
import { TEST_PASSWORD } from '../helpers/unique';

let app: AppServer;
let username: string;

beforeAll(async () => {
	app = await startAppServer();
	({ username } = await signUpOverHttp(app.url, 'back'));
}, 90_000);

afterAll(async () => {
	await app?.stop();
});

/** Where a browser goes when the studio answers with `location`. */
const landsOn = (location: string | null) => new URL(location ?? '', `${app.url}/signin`);

/** Hostile targets as they appear in a link's query string (percent-encoded). */
const HOSTILE_QUERIES = [
	'/%09/evil.example/',
	'/%0A/evil.example/',
	'/%0D%0A/evil.example/',
	'%2F%2Fevil.example%2F',
	'//evil.example/',
	'/%5Cevil.example/',
	'%5C%5Cevil.example',
	'/%5C/evil.example',
	'/..//evil.example/',
	'/%2e%2e//evil.example/',
	'https://evil.example/',
	'https:evil.example',
	'javascript:alert(document.cookie)',
	'%09//evil.example'
];

/** The same kinds of target as a form field holds them (decoded). */
const HOSTILE_FIELDS = ['/\t/evil.example/', '/\n/evil.example', '//evil.example/', '/\\evil.example', '/..//evil.example', 'https://evil.example/', 'javascript:alert(1)'];

describe('the redirect after signing in', () => {
	it('stays on the studio for every hostile target in the sign-in form', async () => {
		for (const redirectTo of HOSTILE_FIELDS) {
			const client = new FormClient(app.url);
			const response = await client.post('/signin', { username, password: TEST_PASSWORD, redirectTo });
			expect(response.status, JSON.stringify(redirectTo)).toBe(303);
			expect(landsOn(response.location).origin, JSON.stringify(redirectTo)).toBe(app.url);
			expect(response.location).toBe('/workspaces');
		}
	});

	it('stays on the studio for every hostile link to the sign-in page, signed in or not', async () => {
		const signedIn = new FormClient(app.url);
		expect((await signedIn.post('/signin', { username, password: TEST_PASSWORD })).status).toBe(303);
		for (const query of HOSTILE_QUERIES) {
			// Signed in already: the page itself redirects at once.
			const at = await signedIn.get(`/signin?redirectTo=${query}`);
			expect(at.status, query).toBe(303);
			expect(landsOn(at.location).origin, query).toBe(app.url);
			expect(at.location, query).toBe('/workspaces');
			// Signed out: the form carries the target; signing in with it lands on the studio.
			const page = await new FormClient(app.url).get(`/signin?redirectTo=${query}`);
			expect(page.status, query).toBe(200);
			const carried = /name="redirectTo" value="([^"]*)"/.exec(page.html)?.[1];
			expect(carried, query).toBe('/workspaces');
		}
	});

	it('a link whose target holds a NUL is refused as malformed (400) before the page runs, and sends nobody anywhere', async () => {
		const signedIn = new FormClient(app.url);
		expect((await signedIn.post('/signin', { username, password: TEST_PASSWORD })).status).toBe(303);
		for (const client of [new FormClient(app.url), signedIn]) {
			const at = await client.get('/signin?redirectTo=/%00/evil.example');
			expect(at.status).toBe(400);
			expect(at.location).toBeFalsy();
		}
	});

	it('goes back to a page of the studio, with its query and fragment', async () => {
		const client = new FormClient(app.url);
		const response = await client.post('/signin', { username, password: TEST_PASSWORD, redirectTo: '/workspaces?x=1#y' });
		expect([response.status, response.location]).toEqual([303, '/workspaces?x=1#y']);
		const linked = await client.get(`/signin?redirectTo=${encodeURIComponent('/library?q=add#top')}`);
		expect([linked.status, linked.location]).toEqual([303, '/library?q=add#top']);
	});
});
