// Signing out ends that session everywhere at once: its open draft socket is closed (4401) and its
// socket.io socket disconnected, on every instance; another session of the same person keeps going.
// Sockets also end when their session is invalidated with all of its user's, or expires.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { invalidateUserSessions } from '$lib/server/auth';
import { joinCluster, leaveCluster } from '$lib/server/cluster';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres } from '../helpers/db';
import { FormClient } from '../helpers/form-client';
import { connected, joinedClient, newSessionTeam, okData, request, runRequest, type HubClientSocket, type SessionTeam } from '../helpers/hub-client';
import { startInstances, storedTemplate, type Instances } from '../helpers/instances';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { TEST_PASSWORD } from '../helpers/unique';
import { connectClient, type TestClient } from '../helpers/yjs-client';

let tgi: TgiServer;
let app: AppServer;
let team: SessionTeam;
const sockets: HubClientSocket[] = [];
const clients: TestClient[] = [];

const appEnv = () => ({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off', RUNS_PER_MINUTE_PER_USER: '1000' });

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['def', ' f', '():'] });
	[app, team] = await Promise.all([startAppServer(appEnv()), newSessionTeam()]);
}, 120_000);
afterEach(() => {
	for (const socket of sockets.splice(0)) socket.disconnect();
	for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

function hubSocket(url: string, cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
	sockets.push(socket);
	return socket;
}

function draftSocket(yjsUrl: string, cookie: string): TestClient {
	const client = connectClient(yjsUrl, team.promptId, cookie);
	clients.push(client);
	return client;
}

/** Resolves with the reason the hub gave; a test that fails before awaiting it leaves no stray rejection. */
function disconnection(socket: HubClientSocket, timeoutMs = 10_000): Promise<string> {
	const gone = new Promise<string>((resolve, reject) => {
		if (!socket.connected) return resolve('already');
		const timer = setTimeout(() => reject(new Error(`the hub did not disconnect the socket within ${timeoutMs} ms`)), timeoutMs);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve(reason);
		});
	});
	gone.catch(() => undefined);
	return gone;
}

/** The stored draft's template once `check` holds (fails with the last one read). */
async function storedEventually(check: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const text = await storedTemplate(team.promptId);
		if (check(text)) return text;
		if (Date.now() > deadline) throw new Error(`timed out; stored: ${text.slice(0, 300)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** Signs the team's editor in through the sign-in form of `base`: a browser of its own. */
async function signedInBrowser(base: string): Promise<FormClient> {
	const browser = new FormClient(base);
	const response = await browser.post('/signin', { username: team.editor.user.username, password: TEST_PASSWORD });
	expect(response.status).toBe(303);
	expect(browser.signedIn).toBe(true);
	return browser;
}

describe.runIf(hasPostgres())('signing out ends the session on its open sockets', () => {
	it("closes the draft socket with 4401 and disconnects the hub socket; an edit after sign-out is never stored; another session keeps going", async () => {
		const browser = await signedInBrowser(app.url);
		const cookie = browser.sessionCookie;
		const draft = draftSocket(app.yjsUrl, cookie);
		const otherDraft = draftSocket(app.yjsUrl, team.editor.cookie);
		await Promise.all([draft.synced(), otherDraft.synced()]);
		const hub = await joinedClient(hubSocket(app.url, cookie), team.sessionId);
		const otherHub = await joinedClient(hubSocket(app.url, team.editor.cookie), team.sessionId);
		const hubGone = disconnection(hub.socket);

		const signout = await browser.post('/signout', { x: '1' });
		expect(signout.status).toBe(303);
		draft.type('<after-signout>');

		expect((await draft.closed()).code).toBe(YJS_CLOSE.unauthorized);
		expect(await hubGone).toBe('io server disconnect');

		// The other session of the same person is untouched, and its edit is stored.
		otherDraft.type('<other-session>');
		const stored = await storedEventually((text) => text.includes('<other-session>'));
		expect(stored).toContain('<other-session>');
		expect(stored).not.toContain('<after-signout>');
		expect(otherDraft.text()).not.toContain('<after-signout>');
		expect(otherDraft.closes).toEqual([]);
		expect(otherHub.socket.connected).toBe(true);
		const started = okData(await request(otherHub.socket, 'run:start', runRequest(team)));
		expect(started.runs.length).toBe(1);

		// The old cookie opens nothing again: no socket, so no join and no run.
		const again = hubSocket(app.url, cookie);
		await expect(connected(again)).rejects.toThrow(/Sign in/);
		const againDraft = draftSocket(app.yjsUrl, cookie);
		expect((await againDraft.closed()).code).toBe(YJS_CLOSE.unauthorized);
	}, 60_000);
});

describe.runIf(hasPostgres())('a session that expires while its sockets are open', () => {
	it('closes the draft socket with 4401 and disconnects the hub socket', async () => {
		// SESSION_CHECK_MS: how often open sockets look at their session again (expiry, rows deleted by hand).
		const short = await startAppServer({ ...appEnv(), SESSION_CHECK_MS: '300' });
		try {
			const browser = await signedInBrowser(short.url);
			const cookie = browser.sessionCookie;
			const draft = draftSocket(short.yjsUrl, cookie);
			await draft.synced();
			const hub = await joinedClient(hubSocket(short.url, cookie), team.sessionId);
			const hubGone = disconnection(hub.socket);
			const { prisma } = await import('../helpers/db');
			const { sessionIdFromToken } = await import('$lib/server/auth/session');
			await (await prisma()).session.update({ where: { id: sessionIdFromToken(cookie.split('=')[1]!) }, data: { expiresAt: new Date(Date.now() - 1000) } });
			expect((await draft.closed()).code).toBe(YJS_CLOSE.unauthorized);
			expect(await hubGone).toBe('io server disconnect');
		} finally {
			await short.stop();
		}
	}, 60_000);
});

const twoInstances = hasPostgres() && !!process.env.REDIS_URL;
describe.runIf(twoInstances)('on two instances behind Redis', () => {
	let instances: Instances;
	beforeAll(async () => {
		instances = await startInstances(2, appEnv());
		await joinCluster();
	}, 120_000);
	afterAll(async () => {
		await instances?.stop();
		await leaveCluster();
	});

	it('signing out on one instance ends the session’s sockets on the other', async () => {
		const [a, b] = instances.apps as [AppServer, AppServer];
		const browser = await signedInBrowser(a.url);
		const cookie = browser.sessionCookie;
		const draft = draftSocket(b.yjsUrl, cookie);
		const otherDraft = draftSocket(b.yjsUrl, team.editor.cookie);
		await Promise.all([draft.synced(), otherDraft.synced()]);
		const hub = await joinedClient(hubSocket(b.url, cookie), team.sessionId);
		const hubGone = disconnection(hub.socket);
		expect((await browser.post('/signout', { x: '1' })).status).toBe(303);
		expect((await draft.closed()).code).toBe(YJS_CLOSE.unauthorized);
		expect(await hubGone).toBe('io server disconnect');
		expect(otherDraft.closes).toEqual([]);
	}, 60_000);

	it("invalidating all of a user's sessions ends their sockets on every instance", async () => {
		const [a, b] = instances.apps as [AppServer, AppServer];
		const first = await signedInBrowser(a.url);
		const second = await signedInBrowser(b.url);
		const onA = draftSocket(a.yjsUrl, first.sessionCookie);
		const onB = draftSocket(b.yjsUrl, second.sessionCookie);
		await Promise.all([onA.synced(), onB.synced()]);
		const hubA = await joinedClient(hubSocket(a.url, first.sessionCookie), team.sessionId);
		const hubB = await joinedClient(hubSocket(b.url, second.sessionCookie), team.sessionId);
		const gone = [disconnection(hubA.socket), disconnection(hubB.socket)];
		await invalidateUserSessions(team.editor.user.id);
		expect((await onA.closed()).code).toBe(YJS_CLOSE.unauthorized);
		expect((await onB.closed()).code).toBe(YJS_CLOSE.unauthorized);
		expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
	}, 60_000);
});
