// Malformed ids in the address: every page, form action and endpoint of the inventory asked by the
// workspace's owner with a hostile value in each of its route parameters in turn (the others real).
// Whatever the segment (a uuid, a slug, a version number), the answer is 404 (the API may say 400
// with a message), never a 500: a malformed id is a thing that does not exist, not a studio fault.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { API_ROWS, apiCredentials } from '../helpers/authz-api';
import { buildAuthzFixture, type AuthzFixture } from '../helpers/authz-fixture';
import { httpSurfaces } from '../helpers/authz-inventory';
import { PAGE_ROWS } from '../helpers/authz-pages';

// A NUL is text JSON and JavaScript carry but PostgreSQL refuses: it must never reach a query.
const BAD_IDS = ['not-a-uuid', "1' or 1=1", 'x'.repeat(200), '0000000-0000-0000-0000-000000000000', '\u0000', 'a\u0000b'];
const SURFACES = httpSurfaces().filter((surface) => surface.includes('['));

let app: AppServer;
let fx: AuthzFixture;
let bearer: string;

beforeAll(async () => {
	[app, fx] = await Promise.all([startAppServer(), buildAuthzFixture('azbadid')]);
	bearer = (await apiCredentials(fx)).readRun.authorization!;
}, 180_000);
afterAll(async () => {
	await app?.stop();
});

/** The route's real address split at '/', and the indexes of its parameters. */
function parameterSlots(route: string, path: string): { segments: string[]; slots: number[] } {
	const routeSegments = route.split('/');
	const segments = path.split('/');
	if (routeSegments.length !== segments.length) throw new Error(`${path} does not fit ${route}`);
	return { segments, slots: routeSegments.flatMap((segment, i) => (segment.startsWith('[') ? [i] : [])) };
}

/** Each address of the route with one of its parameters replaced by each bad id. */
function badAddresses(route: string, path: string): string[] {
	const { segments, slots } = parameterSlots(route, path);
	return slots.flatMap((slot) => BAD_IDS.map((bad) => segments.map((segment, i) => (i === slot ? encodeURIComponent(bad) : segment)).join('/')));
}

interface Answer {
	status: number;
	body: string;
}

/** A page, a form action (posted as an enhanced form posts it) or an endpoint, as the owner. */
async function askAsOwner(path: string, form?: Record<string, string>): Promise<Answer> {
	const response = await fetch(app.url + path, {
		method: form ? 'POST' : 'GET',
		body: form ? new URLSearchParams(form).toString() : undefined,
		headers: {
			origin: app.url,
			cookie: fx.people.owner.cookie,
			...(form ? { accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': 'application/x-www-form-urlencoded' } : { accept: 'text/html' })
		}
	});
	const body = await response.text();
	if (form && (response.headers.get('content-type') ?? '').includes('application/json')) {
		const result = JSON.parse(body) as { type: string; status?: number };
		return { status: result.type === 'success' ? 200 : result.type === 'redirect' ? 303 : (result.status ?? response.status), body };
	}
	return { status: response.status, body };
}

describe('a malformed id in the address', () => {
	it('every route with a parameter is walked here', () => {
		const walked = new Set([...PAGE_ROWS, ...API_ROWS].map((row) => row.surface));
		expect(SURFACES.filter((surface) => !walked.has(surface))).toEqual([]);
		expect(SURFACES.length).toBeGreaterThan(20);
	});

	const pageSurfaces = [...new Set(PAGE_ROWS.map((row) => row.surface))].filter((surface) => SURFACES.includes(surface));
	for (const surface of pageSurfaces) {
		it(`${surface} answers 404`, async () => {
			const row = PAGE_ROWS.find((candidate) => candidate.surface === surface)!;
			const attempt = await row.attempt(fx, 'owner');
			const [path, query] = attempt.path.split('?');
			const route = surface.replace(/^\w+ /, '').split('?')[0]!;
			const wrong: string[] = [];
			try {
				for (const address of badAddresses(route, path!)) {
					const asked = query === undefined ? address : `${address}?${query}`;
					const answer = await askAsOwner(asked, attempt.form);
					if (answer.status !== 404) wrong.push(`${answer.status} for ${asked}`);
				}
			} finally {
				await attempt.after?.();
			}
			expect(wrong).toEqual([]);
		});
	}

	const apiSurfaces = [...new Set(API_ROWS.map((row) => row.surface))].filter((surface) => SURFACES.includes(surface));
	for (const surface of apiSurfaces) {
		it(`${surface} answers 404 (or 400 with a message)`, async () => {
			const request = API_ROWS.find((candidate) => candidate.surface === surface)!.request(fx);
			const route = surface.replace(/^\w+ /, '');
			const wrong: string[] = [];
			for (const address of badAddresses(route, request.path)) {
				const response = await fetch(app.url + address, {
					method: request.method,
					headers: { authorization: bearer, ...(request.body ? { 'content-type': 'application/json' } : {}) },
					body: request.body ? JSON.stringify(request.body) : undefined
				});
				const body = (await response.json().catch(() => ({}))) as { error?: unknown; message?: unknown };
				const clear = typeof (body.error ?? body.message) === 'string';
				if (!(response.status === 404 || (response.status === 400 && clear))) wrong.push(`${response.status} for ${request.method} ${address}`);
			}
			expect(wrong).toEqual([]);
		});
	}

	it('a NUL in the query is refused as malformed (400), on a page and in the API, and no page fails', async () => {
		const page = await askAsOwner('/library?q=%00');
		expect(page.status).toBe(400);
		for (const path of ['/library?q=a%00b', `/w/${fx.workspace.slug}?q=%00`, '/workspaces?x=%00']) expect((await askAsOwner(path)).status, path).toBe(400);
		const api = await fetch(`${app.url}/api/v1/prompts?label=%00`, { headers: { authorization: bearer } });
		expect(api.status).toBe(400);
		expect(await api.json()).toMatchObject({ error: { code: 'invalid_request', message: 'The address holds a NUL character.' } });
	});
});
