// Hostile or broken input against a running studio: bodies over their limit, declared or chunked;
// text that is not UTF-8; JSON nested 100,000 deep; a socket flooding the hub with events, or
// sending one over its size limit, or nested 100,000 deep. Each is refused with a clear answer,
// nothing is stored, the studio stays up, and someone else working at the same moment notices
// nothing: their request succeeds, their socket stays connected. (The Yjs socket's limits and
// malformed frames are yjs-limits.test.ts's.)
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SESSION_LIMITS, SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { createApiToken } from '$lib/server/api-tokens';
import { REQUEST_LIMITS } from '$lib/server/http';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { connected, joinedClient, newSessionTeam, okData, request, type HubClientSocket, type SessionTeam } from '../helpers/hub-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';

let app: AppServer;
let tgi: TgiServer;
let team: SessionTeam;
let runToken: string;
let bystanderToken: string;

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['def', ' add'] });
	[app, team] = await Promise.all([
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: 'off', API_REQUESTS_PER_MINUTE: '1000' }),
		newSessionTeam()
	]);
	runToken = (await createApiToken(team.owner.member, { name: 'hostile', scopes: ['read', 'run'], expiresInDays: 0 })).token;
	bystanderToken = (await createApiToken(team.owner.member, { name: 'bystander', scopes: ['read', 'run'], expiresInDays: 0 })).token;
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

const variables = { language: 'Python', task: 'add two numbers' };

/** Someone else rendering the prompt through the API meanwhile: it must simply work. */
async function bystanderRenders(): Promise<void> {
	const response = await fetch(`${app.url}/api/v1/prompts/${team.promptSlug}/render`, {
		method: 'POST',
		body: JSON.stringify({ variables }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${bystanderToken}` }
	});
	expect(response.status).toBe(200);
	expect(await response.json()).toMatchObject({ text: expect.stringContaining('add two numbers') });
}

/** The hostile request and a bystander's at the same moment; the hostile one's response. */
async function alongsideBystander(hostile: () => Promise<Response>): Promise<Response> {
	const [response] = await Promise.all([hostile(), bystanderRenders()]);
	await bystanderRenders();
	return response;
}

/** A body sent in chunks with no Content-Length, as a client streaming it would. */
function chunked(bytes: Uint8Array): { body: ReadableStream<Uint8Array>; duplex: 'half' } {
	const size = 64 * 1024;
	let offset = 0;
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (offset >= bytes.length) return controller.close();
			controller.enqueue(bytes.subarray(offset, offset + size));
			offset += size;
		}
	});
	return { body, duplex: 'half' };
}

const runsOf = async (promptId: string) => (await prisma()).executionHistory.count({ where: { promptId } });
const workspacesNamed = async (name: string) => (await prisma()).workspace.count({ where: { name } });

function formPost(cookie: string, path: string, body: BodyInit, extra: RequestInit = {}) {
	return fetch(app.url + path, {
		method: 'POST',
		redirect: 'manual',
		body,
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: app.url, ...(cookie ? { cookie } : {}) },
		...extra
	});
}

function apiPost(path: string, body: BodyInit, extra: RequestInit = {}) {
	return fetch(app.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${runToken}` }, ...extra });
}

/** The session cookie of a new account signed up through the form. */
async function signedUpCookie(): Promise<string> {
	const body = new URLSearchParams({ username: uniqueUsername('bad'), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }).toString();
	const response = await formPost('', '/signup', body);
	expect(response.status).toBe(303);
	return response.headers.getSetCookie().find((line) => line.startsWith('auth-session='))!.split(';')[0]!;
}

describe('oversize bodies', () => {
	it('a form over its limit is refused with 413 and a message, declared or chunked; nothing is created', async () => {
		const cookie = await signedUpCookie();
		const name = uniqueWorkspaceName('Huge');
		const body = new URLSearchParams({ name, padding: 'x'.repeat(REQUEST_LIMITS.formBytes) }).toString();
		for (const send of [() => formPost(cookie, '/workspaces?/create', body), () => formPost(cookie, '/workspaces?/create', chunked(Buffer.from(body)).body, { duplex: 'half' } as RequestInit)]) {
			const response = await alongsideBystander(send);
			expect(response.status).toBe(413);
			expect(await response.text()).toBe('The body is over 512 KiB.');
		}
		expect(await workspacesNamed(name)).toBe(0);
		// Just under the limit, the same form is read (and refused for its field, not its size).
		const fits = await formPost(cookie, '/workspaces?/create', new URLSearchParams({ name: 'x'.repeat(200), padding: 'x'.repeat(1000) }).toString());
		expect(fits.status).toBe(400);
	}, 60_000); // the first form post compiles the page in Vite's dev server

	it('API JSON over its limit is invalid_request naming the limit, declared or chunked; no run is started', async () => {
		const big = JSON.stringify({ variables: { ...variables, code: 'x'.repeat(REQUEST_LIMITS.jsonBytes) } });
		const before = await runsOf(team.promptId);
		for (const path of [`/api/v1/prompts/${team.promptSlug}/render`, `/api/v1/prompts/${team.promptSlug}/run`]) {
			for (const send of [() => apiPost(path, big), () => apiPost(path, chunked(Buffer.from(big)).body, { duplex: 'half' } as RequestInit)]) {
				const response = await alongsideBystander(send);
				expect(response.status).toBe(400);
				expect(await response.json()).toEqual({ error: { code: 'invalid_request', message: 'The body is over 256 KiB.' } });
			}
		}
		expect(await runsOf(team.promptId)).toBe(before);
		expect(tgi.requests).toHaveLength(0);
	});
});

describe('text that is not UTF-8', () => {
	it('in a form field, percent-encoded or raw: 400, nothing created', async () => {
		const cookie = await signedUpCookie();
		const name = uniqueWorkspaceName('Latin1');
		const encoded = `name=${encodeURIComponent(name)}%FF`;
		const raw = Buffer.concat([Buffer.from(`name=${encodeURIComponent(name)}`), Buffer.of(0xe9)]);
		for (const body of [encoded, raw]) {
			const response = await alongsideBystander(() => formPost(cookie, '/workspaces?/create', body));
			expect(response.status).toBe(400);
			expect(await response.text()).toBe('The body is not valid UTF-8.');
		}
		expect(await workspacesNamed(name)).toBe(0);
		expect(await workspacesNamed(`${name}\uFFFD`)).toBe(0);
	});

	it('in API JSON: invalid_request, no run', async () => {
		const before = await runsOf(team.promptId);
		const body = Buffer.concat([Buffer.from(`{"variables":{"language":"Python","task":"add `), Buffer.of(0xc3, 0x28), Buffer.from('"}}')]);
		const response = await alongsideBystander(() => apiPost(`/api/v1/prompts/${team.promptSlug}/run`, body));
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ error: { code: 'invalid_request', message: 'The body is not valid UTF-8.' } });
		expect(await runsOf(team.promptId)).toBe(before);
	});
});

describe('JSON nested 100,000 deep', () => {
	const depth = 100_000;
	const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;

	it('as an API body or inside its variables: invalid_request, and the studio stays up', async () => {
		const before = await runsOf(team.promptId);
		for (const body of [nested, `{"variables":{"task":${nested}}}`]) {
			for (const path of [`/api/v1/prompts/${team.promptSlug}/render`, `/api/v1/prompts/${team.promptSlug}/run`]) {
				const response = await alongsideBystander(() => apiPost(path, body));
				expect(response.status).toBe(400);
				expect((await response.json()).error.code).toBe('invalid_request');
			}
		}
		expect(await runsOf(team.promptId)).toBe(before);
		expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
	});
});

describe('the session hub', () => {
	const client = (cookie: string): HubClientSocket =>
		io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });

	/** A second user in the same session, doing normal work: join answered, then a run of theirs. */
	async function bystanderInSession(): Promise<HubClientSocket> {
		const { socket } = await joinedClient(client(team.owner.cookie), team.sessionId);
		return socket;
	}

	async function stillWorking(socket: HubClientSocket): Promise<void> {
		expect(socket.connected).toBe(true);
		const snapshot = okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
		expect(snapshot.sessionId).toBe(team.sessionId);
	}

	it('a socket sending past its event limit is refused as rate-limited, and closed once it goes on past twice the limit; another user is not', async () => {
		const bystander = await bystanderInSession();
		const flooder = client(team.editor.cookie);
		await connected(flooder);
		const budget = SESSION_LIMITS.eventsPerWindow;
		const answers = await Promise.all(Array.from({ length: 2 * budget }, () => request(flooder, 'session:leave', { sessionId: team.sessionId })));
		const refused = answers.filter((answer) => !answer.ok);
		expect(answers.filter((answer) => answer.ok)).toHaveLength(budget);
		expect(refused).toHaveLength(budget);
		for (const answer of refused) {
			expect(answer).toMatchObject({ ok: false, error: { code: 'rate-limited', event: 'session:leave', message: expect.stringMatching(/^Too many events: wait \d+ s\.$/) } });
		}
		// Refused, not thrown out: a page that sent too fast learns to wait.
		expect(flooder.connected).toBe(true);
		// Going on regardless (unknown events count too) closes the socket, with a last word why.
		const lastWord = new Promise<unknown>((resolve) => flooder.once('session:error', resolve));
		const gone = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
		for (let i = 0; i < 50; i++) (flooder.emit as unknown as (event: string, payload: unknown) => void)(i % 2 ? 'no:such-event' : 'session:leave', { sessionId: team.sessionId });
		expect(await lastWord).toMatchObject({ code: 'rate-limited', message: 'Too many events: this connection was closed. Reload the page to connect again.' });
		expect(await gone).toBe('io server disconnect');
		// Everyone else: still connected, still answered.
		await stillWorking(bystander);
		bystander.disconnect();
	});

	it('an event over the size limit closes only that socket', async () => {
		const bystander = await bystanderInSession();
		const sender = client(team.editor.cookie);
		await connected(sender);
		const gone = new Promise<string>((resolve) => sender.once('disconnect', resolve));
		sender.emit('session:join', { sessionId: team.sessionId, padding: 'x'.repeat(SESSION_LIMITS.maxEventBytes) } as never);
		expect(await gone).toBe('transport close');
		await stillWorking(bystander);
		bystander.disconnect();
	});

	it('an event nested 100,000 deep is refused as invalid; the socket and the others carry on', async () => {
		const bystander = await bystanderInSession();
		const depth = 100_000;
		// Raw engine.io frames: socket.io-client itself recurses into what it sends.
		const socket = new WebSocket(`${app.url.replace('http', 'ws')}${SESSION_SOCKET_PATH}?EIO=4&transport=websocket`, { headers: { cookie: team.editor.cookie } });
		const answer = await new Promise<string>((resolve, reject) => {
			socket.on('error', reject);
			socket.on('message', (data) => {
				const frame = data.toString();
				if (frame.startsWith('0')) socket.send('40');
				else if (frame === '2') socket.send('3');
				else if (frame.startsWith('40')) socket.send(`420["session:join",${'['.repeat(depth)}${']'.repeat(depth)}]`);
				else if (frame.startsWith('430')) resolve(frame.slice(3));
			});
		});
		expect(JSON.parse(answer)).toEqual([{ ok: false, error: { code: 'invalid', message: expect.stringMatching(/expected object/i), event: 'session:join' } }]);
		expect(socket.readyState).toBe(WebSocket.OPEN);
		socket.close();
		await stillWorking(bystander);
		bystander.disconnect();
	});
});
