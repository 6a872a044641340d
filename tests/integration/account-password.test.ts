// The account page (/account) through its real forms, with JavaScript off, against running studios:
// changing the password, or "sign out everywhere else", ends every other session of that person at
// once, on every instance (its draft socket closed with 4401, its socket.io socket disconnected, its
// cookie good for nothing), while the session that asked stays signed in with its sockets open. A
// wrong current password is a sign-in guess: refused, and counted against the sign-in budget. The
// new password follows the sign-up rule. Nobody signed out, and no other site, changes anything.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { FormClient, signUpOverHttp, visibleText, type FormResponse } from '../helpers/form-client';
import { joinedClient, newSessionTeam, okData, request, type HubClientSocket, type SessionTeam } from '../helpers/hub-client';
import { storedTemplate } from '../helpers/instances';
import { TEST_PASSWORD } from '../helpers/unique';
import { connectClient, type TestClient } from '../helpers/yjs-client';

const NEW_PASSWORD = 'a brand new passphrase 7';
const WRONG_CURRENT = 'That is not your current password.';
/** The sign-in budget per account, small so that a test can spend it; per address, out of the way. */
const PER_ACCOUNT = 3;

/** Two instances behind Redis when it is there (a session's sockets on both), else one. */
let apps: AppServer[] = [];
const sockets: HubClientSocket[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
	const env = {
		EMBEDDED_MODEL: 'off',
		SIGNIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
		SIGNIN_MAX_FAILURES_PER_ADDRESS: '1000',
		SIGNIN_WINDOW_SECONDS: '3600'
	};
	apps = await Promise.all(Array.from({ length: process.env.REDIS_URL ? 2 : 1 }, () => startAppServer(env)));
}, 120_000);
afterEach(() => {
	for (const socket of sockets.splice(0)) socket.disconnect();
	for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
	await Promise.all(apps.map((app) => app.stop()));
});

const first = () => apps[0]!;
/** The other instance (the same one without Redis). */
const second = () => apps[1] ?? apps[0]!;

function hubSocket(app: AppServer, cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
	sockets.push(socket);
	return socket;
}

function draftSocket(app: AppServer, team: SessionTeam, cookie: string): TestClient {
	const client = connectClient(app.yjsUrl, team.promptId, cookie);
	clients.push(client);
	return client;
}

/** Resolves with the reason the hub gave; a test that fails before awaiting it leaves no stray rejection. */
function disconnection(socket: HubClientSocket, timeoutMs = 20_000): Promise<string> {
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

/** Signs `username` in through the sign-in form of `app`: a browser of its own. */
async function signedInBrowser(app: AppServer, username: string, password = TEST_PASSWORD): Promise<FormClient> {
	const browser = new FormClient(app.url);
	const response = await browser.post('/signin', { username, password });
	expect(response.status, visibleText(response.html).slice(0, 300)).toBe(303);
	expect(browser.signedIn).toBe(true);
	return browser;
}

const changePassword = (browser: FormClient, currentPassword: string, newPassword: string, confirmPassword = newPassword) =>
	browser.post('/account?/changePassword', { currentPassword, newPassword, confirmPassword });

/** How often `text` appears in what the page shows: a message is said once, not as banner, inline and toast. */
const timesShown = (response: FormResponse, text: string) => visibleText(response.html).split(text).length - 1;

/** A page of the studio loads for this browser (not a redirect to sign in). */
async function expectSignedIn(browser: FormClient) {
	expect((await browser.get('/workspaces')).status).toBe(200);
}

async function expectSentToSignIn(browser: FormClient, cookie: string) {
	// The cookie as it was (a browser that kept it); the FormClient forgets it once told to.
	const response = await fetch(`${first().url}/workspaces`, { redirect: 'manual', headers: { cookie, accept: 'text/html' } });
	expect(response.status).toBe(303);
	expect(response.headers.get('location')).toMatch(/^\/signin\?redirectTo=/);
	expect((await browser.get('/account')).location).toMatch(/^\/signin\?redirectTo=%2Faccount/);
}

async function passwordHash(username: string): Promise<string> {
	const user = await (await prisma()).user.findUniqueOrThrow({ where: { usernameKey: username.toLowerCase() }, select: { passwordHash: true } });
	return user.passwordHash;
}

/**
 * The team's editor signed in twice through the forms (sessions A and B), each with a draft socket
 * and a hub socket that has joined the team's session, spread over both instances.
 */
async function twoSessionsWithSockets(team: SessionTeam) {
	const username = team.editor.user.username;
	const [a, b] = [await signedInBrowser(first(), username), await signedInBrowser(second(), username)];
	const draftA = draftSocket(first(), team, a.sessionCookie);
	const draftB = draftSocket(second(), team, b.sessionCookie);
	await Promise.all([draftA.synced(), draftB.synced()]);
	const hubA = await joinedClient(hubSocket(second(), a.sessionCookie), team.sessionId);
	const hubB = await joinedClient(hubSocket(first(), b.sessionCookie), team.sessionId);
	return { a, b, cookieB: b.sessionCookie, draftA, draftB, hubA: hubA.socket, hubB: hubB.socket };
}

/** Session A is still signed in and its sockets still work: an edit is stored, a hub request answered. */
async function expectStillLive(a: FormClient, draftA: TestClient, hubA: HubClientSocket, team: SessionTeam, marker: string) {
	await expectSignedIn(a);
	expect(draftA.closes).toEqual([]);
	expect(hubA.connected).toBe(true);
	draftA.type(marker);
	const deadline = Date.now() + 20_000;
	while (!(await storedTemplate(team.promptId)).includes(marker)) {
		if (Date.now() > deadline) throw new Error(`the edit ${marker} of the kept session was never stored`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	expect(okData(await request(hubA, 'session:join', { sessionId: team.sessionId })).sessionId).toBe(team.sessionId);
}

describe.runIf(hasPostgres())('changing the password on /account', () => {
	it('closes the other session’s draft socket (4401) and hub socket on every instance, and its cookie loads no page; the session that changed it stays signed in with its sockets open', async () => {
		const team = await newSessionTeam();
		const { a, b, cookieB, draftA, draftB, hubA, hubB } = await twoSessionsWithSockets(team);
		const hubBGone = disconnection(hubB);

		const page = await a.get('/account');
		expect(page.status).toBe(200);
		expect(visibleText(page.html)).toContain(team.editor.user.username);

		const changed = await changePassword(a, TEST_PASSWORD, NEW_PASSWORD);
		expect(changed.status).toBe(200);
		expect(timesShown(changed, 'Password changed.')).toBe(1);

		expect((await draftB.closed(20_000)).code).toBe(YJS_CLOSE.unauthorized);
		expect(await hubBGone).toBe('io server disconnect');
		await expectSentToSignIn(b, cookieB);
		await expectStillLive(a, draftA, hubA, team, '<kept-after-password-change>');
		// The services' own session of the team's editor (made without a form) has ended too.
		expect((await fetch(`${first().url}/workspaces`, { redirect: 'manual', headers: { cookie: team.editor.cookie } })).status).toBe(303);
	}, 60_000);

	it('signs in with the new password only', async () => {
		const { client, username } = await signUpOverHttp(first().url, 'acpw');
		expect((await changePassword(client, TEST_PASSWORD, NEW_PASSWORD)).status).toBe(200);
		const old = await new FormClient(second().url).post('/signin', { username, password: TEST_PASSWORD });
		expect(old.status).toBe(400);
		expect(visibleText(old.html)).toContain('That username and password do not match an account.');
		await signedInBrowser(second(), username, NEW_PASSWORD);
	});

	it('refuses a wrong current password, changes nothing, and counts it against the sign-in budget', async () => {
		const { client, username } = await signUpOverHttp(first().url, 'acwrong');
		const other = await signedInBrowser(first(), username);
		const before = await passwordHash(username);
		for (let i = 0; i < PER_ACCOUNT; i++) {
			const refused = await changePassword(client, `not my password ${i}`, NEW_PASSWORD);
			expect(refused.status).toBe(400);
			expect(timesShown(refused, WRONG_CURRENT)).toBe(1);
		}
		// The budget is spent: the right current password is refused before any check, and so is a sign-in.
		const throttled = await changePassword(client, TEST_PASSWORD, NEW_PASSWORD);
		expect(throttled.status).toBe(429);
		expect(visibleText(throttled.html)).toMatch(/Too many wrong passwords\. Try again in \d+ minutes?\./);
		expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
		const signin = await new FormClient(first().url).post('/signin', { username, password: TEST_PASSWORD });
		expect(signin.status).toBe(429);
		expect(visibleText(signin.html)).toMatch(/Too many failed sign-ins/);

		expect(await passwordHash(username)).toBe(before);
		await expectSignedIn(client);
		await expectSignedIn(other);
	});

	it('refuses a new password the sign-up rule refuses, the current one again, or a confirmation that differs, each with one message beside its field', async () => {
		const { client, username } = await signUpOverHttp(first().url, 'acweak');
		const other = await signedInBrowser(first(), username);
		const before = await passwordHash(username);

		const weak = await changePassword(client, TEST_PASSWORD, 'short');
		expect(weak.status).toBe(400);
		expect(timesShown(weak, 'Use at least 10 characters.')).toBe(1);
		expect(weak.html).toMatch(/name="newPassword"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="newPassword"/);

		const same = await changePassword(client, TEST_PASSWORD, TEST_PASSWORD);
		expect(same.status).toBe(400);
		expect(timesShown(same, 'Choose a password other than your current one.')).toBe(1);

		const mismatch = await changePassword(client, TEST_PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}!`);
		expect(mismatch.status).toBe(400);
		expect(timesShown(mismatch, 'The passwords do not match.')).toBe(1);

		// No page echoes a password back.
		for (const response of [weak, same, mismatch]) expect(response.html).not.toContain(TEST_PASSWORD);
		expect(await passwordHash(username)).toBe(before);
		await expectSignedIn(other);
	});

	it('refuses the signed-out (to sign in) and other sites (403), and changes nothing', async () => {
		const { client, username } = await signUpOverHttp(first().url, 'acanon');
		const before = await passwordHash(username);
		const anonymous = new FormClient(first().url);
		expect((await anonymous.get('/account')).location).toBe('/signin?redirectTo=%2Faccount');
		for (const action of ['changePassword', 'signOutOthers']) {
			const response = await anonymous.post(`/account?/${action}`, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
			expect(response.status).toBe(303);
			expect(response.location).toMatch(/^\/signin\?redirectTo=/);
		}
		const crossSite = await fetch(`${first().url}/account?/changePassword`, {
			method: 'POST',
			redirect: 'manual',
			body: new URLSearchParams({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }).toString(),
			headers: { origin: 'https://elsewhere.example', cookie: client.sessionCookie, 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(crossSite.status).toBe(403);
		expect(await passwordHash(username)).toBe(before);
		await expectSignedIn(client);
	});
});

describe.runIf(hasPostgres())('"Sign out everywhere else" on /account', () => {
	it('ends the other sessions’ sockets on every instance and keeps this one and the password; the page counts the other sessions', async () => {
		const team = await newSessionTeam();
		const { a, b, cookieB, draftA, draftB, hubA, hubB } = await twoSessionsWithSockets(team);
		const hubBGone = disconnection(hubB);
		// B, and the session the team's services made for the editor.
		expect(visibleText((await a.get('/account')).html)).toContain('2 other sessions are signed in.');

		const done = await a.post('/account?/signOutOthers', {});
		expect(done.status).toBe(200);
		expect(timesShown(done, 'Signed out of 2 other sessions.')).toBe(1);
		expect(visibleText(done.html)).toContain('No other session is signed in.');

		expect((await draftB.closed(20_000)).code).toBe(YJS_CLOSE.unauthorized);
		expect(await hubBGone).toBe('io server disconnect');
		await expectSentToSignIn(b, cookieB);
		await expectStillLive(a, draftA, hubA, team, '<kept-after-sign-out-elsewhere>');
		await signedInBrowser(second(), team.editor.user.username, TEST_PASSWORD);
	}, 60_000);
});
