// The authorisation matrix, form actions part: every form action of the studio posted by the
// anonymous, a signed-in outsider, a viewer, an editor, an owner and a site admin, over real HTTP
// against a running studio. Each gets exactly its row's outcome, and a refused action leaves the
// database as it was. Rows run one at a time: no other row's allowed write may change the database
// between a refused attempt's before and after. (The inventory check is in authz-matrix-pages.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { buildAuthzFixture, type AuthzFixture } from '../helpers/authz-fixture';
import { checkHttpRow, rowTitle } from '../helpers/authz-http';
import { PAGE_ROWS } from '../helpers/authz-pages';

let app: AppServer;
let fx: AuthzFixture;

beforeAll(async () => {
	[app, fx] = await Promise.all([startAppServer(), buildAuthzFixture('azactions')]);
}, 120_000);
afterAll(async () => {
	await app?.stop();
});

describe('form actions', () => {
	for (const row of PAGE_ROWS.filter((row) => !row.surface.startsWith('GET '))) it(rowTitle(row), async () => expect(await checkHttpRow(app, fx, row)).toEqual([]));
});
