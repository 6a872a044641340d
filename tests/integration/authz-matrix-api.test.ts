// The authorisation matrix, prompt API part: every /api/v1 endpoint called with no credentials, a
// session cookie alone, a malformed header, an unknown, a revoked and an expired token, another
// workspace's token, and this workspace's tokens of each scope, against a running studio whose model
// endpoint is a local TGI-protocol server. Each caller gets exactly its status; an allowed list holds
// nothing the token may not see; a refused call writes nothing (no run is recorded).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { API_CALLERS, API_ROWS, apiCredentials, type ApiRow, type Credentials } from '../helpers/authz-api';
import { buildAuthzFixture, databaseState, type AuthzFixture } from '../helpers/authz-fixture';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';

let app: AppServer;
let tgi: TgiServer;
let fx: AuthzFixture;
let credentials: Credentials;

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['Never', ' eval', ' input', '.'] });
	[app, fx] = await Promise.all([
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off', API_REQUESTS_PER_MINUTE: '1000', RUNS_PER_MINUTE_PER_USER: '1000' }),
		buildAuthzFixture('azapi')
	]);
	credentials = await apiCredentials(fx);
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

async function check(row: ApiRow): Promise<string[]> {
	const wrong: string[] = [];
	for (const caller of API_CALLERS) {
		const { method, path, body } = row.request(fx);
		const { authorization, cookie } = credentials[caller];
		const expected = row.expect[caller];
		const before = expected >= 400 ? await databaseState([fx.workspace.id]) : null;
		const response = await fetch(app.url + path, {
			method,
			body: body === undefined ? undefined : JSON.stringify(body),
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...(authorization ? { authorization } : {}),
				...(cookie ? { cookie, origin: app.url } : {})
			}
		});
		const answer = (await response.json()) as Record<string, unknown>;
		if (response.status !== expected) wrong.push(`${caller}: expected ${expected}, got ${response.status} ${JSON.stringify(answer).slice(0, 160)}`);
		if (response.status === 401 && !response.headers.get('www-authenticate')?.startsWith('Bearer ')) wrong.push(`${caller}: a 401 without its Bearer challenge`);
		if (response.status === 200 && row.inspect) {
			const leak = row.inspect(answer, caller, fx);
			if (leak) wrong.push(`${caller}: ${leak}`);
		}
		if (before !== null && (await databaseState([fx.workspace.id])) !== before) wrong.push(`${caller}: refused, yet the database changed`);
	}
	return wrong;
}

describe('the prompt API', () => {
	for (const row of API_ROWS) {
		const expectation = API_CALLERS.map((caller) => `${caller} ${row.expect[caller]}`).join(' · ');
		it(`${row.surface}${row.variant ? ` (${row.variant})` : ''}: ${expectation}`, async () => {
			expect(await check(row)).toEqual([]);
		});
	}

	it('records an allowed run under the token, and no run for any refused call', async () => {
		const { prisma } = await import('../helpers/db');
		const runs = await (await prisma()).executionHistory.findMany({ where: { workspaceId: fx.workspace.id, source: 'api' }, select: { apiTokenId: true } });
		// Two allowed callers (run, read+run) on the shared prompt; everything else was refused before writing.
		expect(runs).toHaveLength(2);
		expect(runs.every((run) => run.apiTokenId !== null)).toBe(true);
	});
});
