// The authorisation matrix, HTTP part: every page, form action and endpoint of the studio asked by
// the anonymous, a signed-in outsider, a viewer, an editor, an owner and a site admin, over real HTTP
// against a running studio. Each gets exactly its row's outcome; a refused write leaves the database
// as it was; a page an actor may read holds nothing the actor may not see. The inventory is read from
// src/routes, so a route added without a row here (or in the API matrix) fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { ACTORS, buildAuthzFixture, databaseState, type AuthzFixture } from '../helpers/authz-fixture';
import { httpSurfaces } from '../helpers/authz-inventory';
import { API_ROWS } from '../helpers/authz-api';
import { describeExpectation, describeOutcome, isAllowed, matches, type Outcome } from '../helpers/authz-matrix';
import { PAGE_ROWS, resolveTarget, type HttpRow } from '../helpers/authz-pages';

const METRICS_TOKEN = 'matrix-metrics-token-0123456789';

let app: AppServer;
let fx: AuthzFixture;

beforeAll(async () => {
	[app, fx] = await Promise.all([startAppServer({ METRICS_TOKEN }), buildAuthzFixture('azpages')]);
	// The dev server builds each route on its first request: ask every page once, all at once, first.
	const pages = await Promise.all(PAGE_ROWS.filter((row) => row.surface.startsWith('GET ') && !row.variant).map((row) => row.attempt(fx, 'owner')));
	await Promise.all(pages.map(({ path }) => fetch(app.url + path, { headers: { cookie: fx.people.owner.cookie }, redirect: 'manual' }).then((r) => r.text())));
}, 180_000);
afterAll(async () => {
	await app?.stop();
});

/**
 * One request with the actor's cookie from our own origin, following no redirect. A form action is
 * posted as SvelteKit's enhanced forms post it, so that the answer is the action's own (a page load
 * run after a plain POST could turn an action's success into the load's 404, hiding what it did).
 */
async function ask(path: string, cookie: string | null, form?: Record<string, string>) {
	const response = await fetch(app.url + path, {
		method: form ? 'POST' : 'GET',
		redirect: 'manual',
		body: form ? new URLSearchParams(form).toString() : undefined,
		headers: {
			origin: app.url,
			...(form ? { accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': 'application/x-www-form-urlencoded' } : { accept: 'text/html' }),
			...(cookie ? { cookie } : {})
		}
	});
	const body = await response.text();
	if (!form || !(response.headers.get('content-type') ?? '').includes('application/json')) {
		return { status: response.status, location: response.headers.get('location'), body };
	}
	const result = JSON.parse(body) as { type: 'success' | 'failure' | 'redirect' | 'error'; status?: number; location?: string };
	if (result.type === 'success') return { status: 200, location: null, body };
	if (result.type === 'redirect') return { status: 303, location: result.location ?? null, body };
	return { status: result.status ?? response.status, location: null, body };
}

const resolved = (outcome: Outcome): Outcome => (typeof outcome === 'object' ? { to: resolveTarget(outcome.to, fx) } : outcome);

/** Asks the row's surface as every actor; answers with what went wrong, one line each. */
async function check(row: HttpRow): Promise<string[]> {
	const wrong: string[] = [];
	// Made together (each actor's target is its own), asked one after another.
	const attempts = await Promise.all(ACTORS.map((actor) => row.attempt(fx, actor)));
	for (const [i, actor] of ACTORS.entries()) {
		const attempt = attempts[i]!;
		const cookie = attempt.cookie !== undefined ? attempt.cookie : actor === 'anonymous' ? null : fx.people[actor].cookie;
		const expected = resolved(row.expect[actor]);
		const workspaces = [fx.workspace.id, ...(attempt.workspaceIds ?? [])];
		const write = attempt.form !== undefined;
		const before = write && !isAllowed(expected) ? await databaseState(workspaces) : null;
		const answer = await ask(attempt.path, cookie, attempt.form);
		if (!matches(expected, answer)) {
			wrong.push(`${actor}: expected ${describeOutcome(expected)}, got ${answer.status}${answer.location ? ` → ${answer.location}` : ''} (${attempt.path})`);
		}
		if (before !== null && (await databaseState(workspaces)) !== before) wrong.push(`${actor}: refused, yet the database changed (${attempt.path})`);
		if (row.hidden && answer.status === 200) {
			const text = row.hidden.text(fx);
			if (row.hidden.from.includes(actor) && answer.body.includes(text)) wrong.push(`${actor}: the page shows "${text}", which it may not see`);
			if (row.hidden.shownTo.includes(actor) && !answer.body.includes(text)) wrong.push(`${actor}: the page should show "${text}" (the leak check would not bite)`);
		}
		await attempt.after?.();
	}
	return wrong;
}

describe('inventory', () => {
	it('has a row for every page, form action and endpoint under src/routes, and none for a route that is gone', () => {
		const rows = new Set([...PAGE_ROWS, ...API_ROWS].map((row) => row.surface));
		const surfaces = httpSurfaces();
		expect(surfaces.filter((surface) => !rows.has(surface)), 'routes without an authorisation row').toEqual([]);
		expect([...rows].filter((surface) => !surfaces.includes(surface)), 'rows of routes that do not exist').toEqual([]);
	});
});

const title = (row: HttpRow) => `${row.surface}${row.variant ? ` (${row.variant})` : ''}: ${describeExpectation(row.expect)}`;

// Reads change nothing, so they run side by side; writes run one at a time, so that the database
// a refused one must leave as it was is not changed meanwhile by another row's allowed one.
describe.concurrent('pages and endpoints (reads)', () => {
	for (const row of PAGE_ROWS.filter((row) => row.surface.startsWith('GET '))) it(title(row), async () => expect(await check(row)).toEqual([]));
});

describe('form actions (writes)', () => {
	for (const row of PAGE_ROWS.filter((row) => !row.surface.startsWith('GET '))) it(title(row), async () => expect(await check(row)).toEqual([]));
});

describe('the metrics endpoint', () => {
	it('answers its own bearer token, and refuses a wrong one', async () => {
		const scrape = (token: string) => fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
		expect((await scrape(METRICS_TOKEN)).status).toBe(200);
		expect((await scrape(`${METRICS_TOKEN}x`)).status).toBe(401);
	});
});

