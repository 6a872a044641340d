// Secrets never reach the log, even at debug level: a studio started with a Hugging Face token, a
// metrics token and model endpoints whose URLs carry credentials is used the way people and
// programs use it (sign-up, a wrong password, sign-in, the draft opened live, an API token made and
// used, a wrong token, runs that succeed and runs that fail on the model's side), and none of those
// strings is in its output. The output is read once the studio has stopped, so nothing it logged
// while in use is still on its way.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { SESSION_COOKIE } from '$lib/server/auth';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { commitDraft, moveLabel } from '$lib/server/versions';
import { freePort, startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { memberOf } from '../helpers/people';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { uniquePromptName, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';
import { connectClient } from '../helpers/yjs-client';
import { sample, setDraft } from './versions-fixtures';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const password = secret('pw');
const wrongPassword = secret('wrong-pw');
const HF_TOKEN = `hf_${randomBytes(16).toString('hex')}`;
const METRICS_TOKEN = secret('metrics');
const endpointPassword = secret('endpoint-pw');
const deadEndpointPassword = secret('dead-endpoint-pw');
const forgedApiToken = `cts_${randomBytes(20).toString('hex')}`;

let app: AppServer;
let tgi: TgiServer;
const seen: Record<string, string> = {};

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['Never', ' eval', '.'] });
	const withCredentials = new URL(tgi.url);
	withCredentials.username = 'model-user';
	withCredentials.password = endpointPassword;
	const dead = `http://model-user:${deadEndpointPassword}@127.0.0.1:${await freePort()}`;
	app = await startAppServer({
		LOG_LEVEL: 'debug',
		HF_TOKEN,
		METRICS_TOKEN,
		WHITERABBITNEO_ENDPOINT_URL: withCredentials.toString(),
		CODET5P_ENDPOINT_URL: dead,
		EMBEDDED_MODEL: 'off',
		MODEL_WAKE_INITIAL_DELAY_MS: '50',
		MODEL_WAKE_MAX_ATTEMPTS: '2'
	});
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

/** A browser with JavaScript off, with the cookie it was given. */
function browser() {
	let cookie = '';
	return {
		get cookie() {
			return cookie;
		},
		async post(path: string, fields: Record<string, string>) {
			const response = await fetch(app.url + path, {
				method: 'POST',
				redirect: 'manual',
				body: new URLSearchParams(fields).toString(),
				headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: app.url, ...(cookie ? { cookie } : {}) }
			});
			for (const line of response.headers.getSetCookie()) if (line.startsWith(`${SESSION_COOKIE}=`)) cookie = line.split(';')[0]!;
			return { status: response.status, location: response.headers.get('location'), html: await response.text() };
		}
	};
}

const api = (path: string, token: string, body?: unknown) =>
	fetch(app.url + path, {
		method: body ? 'POST' : 'GET',
		headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});

describe('the log', () => {
	it('holds no password, session token, API token, Hugging Face or metrics token, or endpoint credential', async () => {
		// Sign up, sign in wrongly, then rightly.
		const person = browser();
		const username = uniqueUsername('sec');
		expect((await person.post('/signup', { username, password, confirmPassword: password })).status).toBe(303);
		seen.signUpSession = person.cookie.split('=')[1]!;
		const stranger = browser();
		expect((await stranger.post('/signin', { username, password: wrongPassword })).status).toBe(400);
		expect((await person.post('/signin', { username, password })).status).toBe(303);
		seen.session = person.cookie.split('=')[1]!;
		expect(seen.session).toBeTruthy();

		// A workspace and a prompt with a production version, then an API token made in the settings page.
		const workspace = await person.post('/workspaces?/create', { name: uniqueWorkspaceName('Secrets') });
		expect(workspace.status).toBe(303);
		const slug = workspace.location!.split('/').pop()!;
		const user = await (await prisma()).user.findUniqueOrThrow({ where: { usernameKey: username.toLowerCase() }, select: { id: true, username: true } });
		const owner = await memberOf({ ...user, displayName: null, isSiteAdmin: false }, slug);
		const { slug: promptSlug } = await createPrompt(owner, promptMetaSchema.parse({ name: uniquePromptName('Secrets') }));
		const promptId = (await getPrompt(owner, promptSlug)).id;
		await setDraft(promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 16 } }));
		// The draft opened live in the studio, the session cookie on the socket's upgrade request.
		const editor = connectClient(app.yjsUrl, promptId, person.cookie);
		try {
			await editor.synced();
		} finally {
			editor.destroy();
		}
		await commitDraft(owner, promptSlug, 'First');
		await moveLabel(owner, promptSlug, 'production', 1);
		const created = await person.post(`/w/${slug}/settings/tokens?/create`, { name: 'ci', scopeRead: 'on', scopeRun: 'on', expiresInDays: '0' });
		expect(created.status).toBe(200);
		seen.apiToken = /data-testid="new-token"[^>]*>([^<]+)</.exec(created.html)![1]!;
		expect(seen.apiToken).toMatch(/\S{20,}/);

		// The API: a good token, a forged one; runs on the endpoint with credentials (answered, then a
		// server error) and on an endpoint that does not answer.
		expect((await api('/api/v1/prompts', seen.apiToken)).status).toBe(200);
		expect((await api('/api/v1/prompts', forgedApiToken)).status).toBe(401);
		const variables = { language: 'python', code: 'eval(input())' };
		const ok = await api(`/api/v1/prompts/${promptSlug}/run`, seen.apiToken, { variables, stream: false });
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({ status: 'succeeded' });
		// The URL's credentials reached the model server, as Basic auth (HF_TOKEN goes as Bearer when set).
		expect(tgi.requests.at(-1)!.headers.authorization).toBe(`Bearer ${HF_TOKEN}`);
		tgi.script({ httpError: { status: 422, message: 'Input validation error', type: 'validation' } });
		const failed = await api(`/api/v1/prompts/${promptSlug}/run`, seen.apiToken, { variables, cacheMode: 'never', stream: false });
		const failedRun = await failed.json();
		expect(failedRun).toMatchObject({ status: 'failed' });
		const unreachable = await api(`/api/v1/prompts/${promptSlug}/run`, seen.apiToken, { variables, model: 'codet5p', cacheMode: 'never', stream: false });
		const unreachableRun = await unreachable.json();
		expect(unreachableRun).toMatchObject({ status: 'failed' });
		// Nor does a run's error, which its caller reads and history keeps, carry the endpoint's credentials.
		for (const run of [failedRun, unreachableRun]) expect(JSON.stringify(run)).not.toMatch(/endpoint-pw|model-user/);

		// Metrics, with a wrong token and the right one.
		expect((await api('/metrics', 'not-the-metrics-token-at-all')).status).toBe(401);
		expect((await api('/metrics', METRICS_TOKEN)).status).toBe(200);

		// Sign out.
		expect((await person.post('/signout', {})).status).toBe(303);

		// Stopped, then read up to the line it prints as it begins to stop: all it logged in use is in.
		await app.stop();
		await vi.waitFor(() => expect(app.output()).toContain('SIGTERM: closing'));
		const log = app.output();
		// The studio's logger was writing (pino's JSON lines), at debug level too (opening the draft).
		expect(log).toMatch(/"level":30,.*"msg":"database ready"/);
		expect(log).toMatch(/"level":20,.*"msg":"draft loaded"/);
		const secrets = { password, wrongPassword, HF_TOKEN, METRICS_TOKEN, endpointPassword, deadEndpointPassword, forgedApiToken, ...seen };
		for (const [name, value] of Object.entries(secrets)) expect(log.includes(value), `${name} is in the log`).toBe(false);
	}, 120_000);
});
