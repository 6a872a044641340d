// The authorisation matrix, pages part: every page and non-API endpoint of the studio asked by the
// anonymous, a signed-in outsider, a viewer, an editor, an owner and a site admin, over real HTTP
// against a running studio. Each gets exactly its row's outcome; a page an actor may read holds
// nothing the actor may not see. The inventory is read from src/routes, so a route added without a
// row here, in the form actions' matrix or in the API's fails. (Form actions: authz-matrix-actions.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { API_ROWS } from '../helpers/authz-api';
import { buildAuthzFixture, type AuthzFixture } from '../helpers/authz-fixture';
import { checkHttpRow, rowTitle } from '../helpers/authz-http';
import { httpSurfaces } from '../helpers/authz-inventory';
import { PAGE_ROWS } from '../helpers/authz-pages';

const METRICS_TOKEN = 'matrix-metrics-token-0123456789';
const READS = PAGE_ROWS.filter((row) => row.surface.startsWith('GET '));

let app: AppServer;
let fx: AuthzFixture;

beforeAll(async () => {
	[app, fx] = await Promise.all([startAppServer({ METRICS_TOKEN }), buildAuthzFixture('azpages')]);
	// The dev server builds each route on its first request: ask every page once, all at once, first.
	const pages = await Promise.all(READS.filter((row) => !row.variant).map((row) => row.attempt(fx, 'owner')));
	await Promise.all(pages.map(({ path }) => fetch(app.url + path, { headers: { cookie: fx.people.owner.cookie }, redirect: 'manual' }).then((r) => r.text())));
}, 180_000);
afterAll(async () => {
	await app?.stop();
});

describe('inventory', () => {
	it('has a row for every page, form action and endpoint under src/routes, and none for a route that is gone', () => {
		const rows = new Set([...PAGE_ROWS, ...API_ROWS].map((row) => row.surface));
		const surfaces = httpSurfaces();
		expect(surfaces.filter((surface) => !rows.has(surface)), 'routes without an authorisation row').toEqual([]);
		expect([...rows].filter((surface) => !surfaces.includes(surface)), 'rows of routes that do not exist').toEqual([]);
	});
});

// Reads change nothing, so they run side by side.
describe.concurrent('pages and endpoints', () => {
	for (const row of READS) it(rowTitle(row), async () => expect(await checkHttpRow(app, fx, row)).toEqual([]));
});

describe('the metrics endpoint', () => {
	it('answers its own bearer token, and refuses a wrong one', async () => {
		const scrape = (token: string) => fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
		expect((await scrape(METRICS_TOKEN)).status).toBe(200);
		expect((await scrape(`${METRICS_TOKEN}x`)).status).toBe(401);
	});
});
