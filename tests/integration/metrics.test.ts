// GET /metrics as Prometheus scrapes it, from a running studio whose model endpoint is the
// TGI-protocol test server: a run through the API moves the run counter and the latency, time to
// first token and tokens/s histograms of its model; a cache hit is counted as one; the live gauges
// report realtime connections; with METRICS_TOKEN set, a scrape without it is refused, and without
// METRICS_TOKEN the endpoint is off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/api-tokens';
import { commitDraft, moveLabel } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { sample, setDraft, versionTeam } from './versions-fixtures';

const METRICS_TOKEN = 'scrape-me-please-0123456789';

let app: AppServer;
let tgi: TgiServer;
let runToken: string;
let slug: string;

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['def', ' add', '(a, b):', ' return a + b'], delayMs: 5 });
	let team: Awaited<ReturnType<typeof versionTeam>>;
	[app, team] = await Promise.all([startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: 'off', METRICS_TOKEN }), versionTeam('metrics')]);
	await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
	await commitDraft(team.author, team.prompt, 'Deterministic');
	await moveLabel(team.owner, team.prompt, 'production', 1);
	runToken = (await createApiToken(team.owner, { name: 'metrics', scopes: ['run'], expiresInDays: 0 })).token;
	slug = team.prompt;
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

async function scrape(): Promise<string> {
	const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
	return response.text();
}

/** The value of one sample line, e.g. value(text, 'cts_runs_total', {model: 'whiterabbitneo'}); 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
	for (const line of text.split('\n')) {
		const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
		if (!match || match[1] !== name) continue;
		const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
		if (Object.entries(labels).every(([key, v]) => found[key] === v)) return Number(match[3]);
	}
	return 0;
}

async function run(code: string) {
	const response = await fetch(`${app.url}/api/v1/prompts/${slug}/run`, {
		method: 'POST',
		headers: { authorization: `Bearer ${runToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ variables: { language: 'python', code }, stream: false })
	});
	expect(response.status).toBe(200);
	return (await response.json()) as { cacheOutcome: string; status: string };
}

describe('GET /metrics', () => {
	it('is refused without the configured token', async () => {
		for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token-00' }] as Record<string, string>[]) {
			const response = await fetch(`${app.url}/metrics`, { headers });
			expect(response.status).toBe(401);
			expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
		}
	});

	it('is off on a studio with no METRICS_TOKEN: 404 with or without a bearer token, and no figures', async () => {
		const open = await startAppServer({ METRICS_TOKEN: undefined, EMBEDDED_MODEL: 'off' });
		try {
			for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: `Bearer ${METRICS_TOKEN}` }] as Record<string, string>[]) {
				const response = await fetch(`${open.url}/metrics`, { headers });
				expect(response.status).toBe(404);
				expect(await response.text()).not.toMatch(/cts_/);
			}
		} finally {
			await open.stop();
		}
	}, 60_000);

	it('counts runs by model, status, origin and cache outcome, with their latency, first-token and tokens/s histograms', async () => {
		const labels = { model: 'whiterabbitneo', status: 'succeeded', origin: 'api' };
		const before = await scrape();
		expect((await run('print(1)')).cacheOutcome).toBe('miss');
		expect((await run('print(1)')).cacheOutcome).toBe('hit');
		const after = await scrape();
		expect(value(after, 'cts_runs_total', { ...labels, cache: 'miss' }) - value(before, 'cts_runs_total', { ...labels, cache: 'miss' })).toBe(1);
		expect(value(after, 'cts_runs_total', { ...labels, cache: 'hit' }) - value(before, 'cts_runs_total', { ...labels, cache: 'hit' })).toBe(1);
		expect(value(after, 'cts_run_duration_seconds_count', { ...labels, cache: 'miss' }) - value(before, 'cts_run_duration_seconds_count', { ...labels, cache: 'miss' })).toBe(1);
		// The streamed answer took at least its three 5 ms gaps between tokens.
		expect(value(after, 'cts_run_duration_seconds_sum', { ...labels, cache: 'miss' }) - value(before, 'cts_run_duration_seconds_sum', { ...labels, cache: 'miss' })).toBeGreaterThan(0.01);
		expect(value(after, 'cts_run_time_to_first_token_seconds_count', { model: 'whiterabbitneo', cache: 'miss' })).toBeGreaterThanOrEqual(1);
		expect(value(after, 'cts_run_tokens_per_second_count', { model: 'whiterabbitneo', cache: 'miss' })).toBeGreaterThanOrEqual(1);
		expect(value(after, 'cts_run_completion_tokens_total', { model: 'whiterabbitneo' }) - value(before, 'cts_run_completion_tokens_total', { model: 'whiterabbitneo' })).toBe(8);
		// The miss used the GPU for its latency; the hit cost nothing.
		expect(value(after, 'cts_run_cost_usd_total', { model: 'whiterabbitneo' })).toBeGreaterThan(value(before, 'cts_run_cost_usd_total', { model: 'whiterabbitneo' }));
	});

	it('reports live figures at scrape time: active runs, realtime connections and rooms, process figures', async () => {
		const text = await scrape();
		expect(text).toMatch(/^cts_active_runs 0$/m);
		expect(text).toMatch(/^cts_realtime_connections\{transport="yjs"\} \d+$/m);
		expect(text).toMatch(/^cts_realtime_connections\{transport="socketio"\} \d+$/m);
		expect(text).toMatch(/^cts_realtime_rooms\{kind="session"\} \d+$/m);
		expect(value(text, 'cts_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
	});
});
