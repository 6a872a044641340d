// A model answer built to make a plugin's expressions backtrack must not freeze the studio: with the
// security scanner enabled, a run whose output is 10k characters of `token-` finishes at once with
// the scanner's report, and /api/health answers within HEALTH_MS all along (plugins run in a
// worker thread with a budget, and the scanner's expressions are bounded).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/api-tokens';
import { savePluginSetting } from '$lib/server/plugins';
import { commitDraft } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { HEALTH_MS, watchStudio } from './dos-fixtures';
import { sample, setDraft, versionTeam } from './versions-fixtures';

const OUTPUT = 'token-'.repeat(1_700) + '\nAWS_SECRET = "AKIAIOSFODNN7EXAMPLE"';

let app: AppServer;
let tgi: TgiServer;
let team: Awaited<ReturnType<typeof versionTeam>>;
let token: string;

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: [OUTPUT.slice(0, 5_000), OUTPUT.slice(5_000)] });
	[app, team] = await Promise.all([
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: 'off' }),
		versionTeam('dosplugin')
	]);
	await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
	await commitDraft(team.author, team.prompt, 'v1');
	await savePluginSetting(team.owner, 'security-scanner', true, '{}');
	token = (await createApiToken(team.owner, { name: 'runner', scopes: ['run'], expiresInDays: 0 })).token;
}, 120_000);

afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

describe.runIf(hasPostgres())('plugins on a pathological answer', () => {
	it('a run whose output is 10k characters of `token-` ends at once with the scanner’s report; health stays fast', async () => {
		const watch = watchStudio(app);
		const started = performance.now();
		const response = await fetch(`${app.url}/api/v1/prompts/${team.prompt}/run`, {
			method: 'POST',
			body: JSON.stringify({ variables: { language: 'python', code: 'x' }, cacheMode: 'never' }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }
		});
		const body = await response.text();
		const tookMs = performance.now() - started;
		const seen = await watch.stop();
		console.info(`run with the scanner: ${Math.round(tookMs)} ms; health ${seen.healthChecks} checks (${seen.healthFailures} failed), slowest ${seen.slowestHealthMs} ms`);
		expect(response.status).toBe(200);
		const done = JSON.parse(/event: done\ndata: (.+)/.exec(body)![1]!);
		expect(done.status).toBe('succeeded');
		const row = await (await prisma()).executionHistory.findUniqueOrThrow({ where: { id: done.executionId }, select: { pluginResults: true } });
		const [report] = row.pluginResults as Array<{ pluginId: string; status: string; findings: Array<{ ruleId: string; line?: number }> }>;
		expect(report).toMatchObject({ pluginId: 'security-scanner', status: 'ok' });
		expect(report!.findings).toContainEqual(expect.objectContaining({ ruleId: 'aws-access-key', line: 2 }));
		expect(tookMs).toBeLessThan(5_000);
		expect(seen.slowHealth, `health answers slower than ${HEALTH_MS} ms`).toEqual([]);
		expect(seen.healthFailures).toBe(0);
	}, 180_000);
});
