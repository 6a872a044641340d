// Cross-site requests and session fixation, against a running studio. A page of another site cannot
// open either live socket with our cookie; a session cookie planted before sign-in is never the one
// sign-in hands out; sign-out ends the session on the server; the cookie is HttpOnly, SameSite=Lax,
// and Secure over https. (SvelteKit's own origin check on form posts runs in production builds
// only: tests/e2e/security-headers.spec.ts posts a cross-site form to the built studio.)
import type { Cookies } from '@sveltejs/kit';
import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { SESSION_COOKIE, createSession, generateSessionToken, setSessionTokenCookie, validateSessionToken } from '$lib/server/auth';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { signUpOverHttp } from '../helpers/form-client';
import { TEST_PASSWORD } from '../helpers/unique';
import { newPromptTeam, type PromptTeam } from '../helpers/yjs-team';

let app: AppServer;
let team: PromptTeam;

beforeAll(async () => {
	[app, team] = await Promise.all([startAppServer(), newPromptTeam()]);
}, 90_000);
afterAll(() => app?.stop());

const FOREIGN = 'https://attacker.example';

describe('cross-site requests', () => {
	it("svelte.config.js keeps SvelteKit's origin check on form posts", () => {
		const source = readFileSync(new URL('../../svelte.config.js', import.meta.url), 'utf8');
		expect(source).not.toMatch(/checkOrigin\s*:\s*false/);
		expect(source).not.toMatch(/trustedOrigins/);
	});

	/** Whether a socket.io client with this Origin gets in, or the refusal's message. */
	function hubHandshake(origin: string | null): Promise<'connected' | string> {
		const socket = io(app.url, {
			path: SESSION_SOCKET_PATH,
			transports: ['websocket'],
			reconnection: false,
			forceNew: true,
			extraHeaders: { cookie: team.editor.cookie, ...(origin ? { origin } : {}) }
		});
		return new Promise((resolve) => {
			socket.once('connect', () => resolve('connected'));
			socket.once('connect_error', (error) => resolve(error.message));
		}).finally(() => socket.disconnect()) as Promise<string>;
	}

	it("refuses the socket.io handshake from another site's page, with the member's cookie", async () => {
		expect(await hubHandshake(FOREIGN)).not.toBe('connected');
		expect(await hubHandshake('null')).not.toBe('connected');
		expect(await hubHandshake(app.url)).toBe('connected');
		// Clients that are not browsers send no Origin.
		expect(await hubHandshake(null)).toBe('connected');
	});

	/** How a Yjs socket opened with this Origin ends: the server's close code and reason, or still open after the sync. */
	function yjsSocket(origin: string): Promise<{ code: number; reason: string } | 'synced'> {
		const socket = new WebSocket(`${app.yjsUrl}/${team.promptId}`, { headers: { cookie: team.editor.cookie, origin } });
		return new Promise<{ code: number; reason: string } | 'synced'>((resolve) => {
			// The server speaks first once it has authorised the socket (sync step 1).
			socket.once('message', () => resolve('synced'));
			socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
		}).finally(() => socket.terminate());
	}

	it("closes a Yjs socket opened from another site's page, with the member's cookie, as forbidden", async () => {
		expect(await yjsSocket(FOREIGN)).toEqual({ code: YJS_CLOSE.forbidden, reason: 'This page may not open that draft.' });
		expect(await yjsSocket(app.url)).toBe('synced');
	});
});

/** The session token in a response's Set-Cookie, and the cookie's attributes. */
function sessionCookie(response: Response): { token: string; attributes: string } | null {
	for (const line of response.headers.getSetCookie()) {
		const [pair, ...attributes] = line.split(';');
		if (pair!.startsWith(`${SESSION_COOKIE}=`)) return { token: pair!.slice(SESSION_COOKIE.length + 1), attributes: `;${attributes.join(';')}` };
	}
	return null;
}

async function signInWith(cookie: string, username: string): Promise<Response> {
	return fetch(`${app.url}/signin`, {
		method: 'POST',
		redirect: 'manual',
		body: new URLSearchParams({ username, password: TEST_PASSWORD }).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: app.url, cookie }
	});
}

/** Where a page request with this token lands: 200 when signed in, a redirect to /signin when not. */
async function workspacesWith(token: string): Promise<number> {
	return (await fetch(`${app.url}/workspaces`, { redirect: 'manual', headers: { cookie: `${SESSION_COOKIE}=${token}` } })).status;
}

describe('session fixation', () => {
	it('a made-up session cookie planted before sign-in is never adopted: sign-in issues a new token', async () => {
		const victim = await signUpOverHttp(app.url, 'fix');
		const planted = generateSessionToken();
		const response = await signInWith(`${SESSION_COOKIE}=${planted}`, victim.username);
		expect(response.status).toBe(303);
		const issued = sessionCookie(response)!;
		expect(issued.token).not.toBe(planted);
		expect((await validateSessionToken(issued.token)).user?.username).toBe(victim.username);
		expect((await validateSessionToken(planted)).session).toBeNull();
		expect(await workspacesWith(planted)).toBe(303);
	});

	it("an attacker's own valid session planted in the victim's browser stays the attacker's after the victim signs in", async () => {
		const attacker = await signUpOverHttp(app.url, 'atk');
		const victim = await signUpOverHttp(app.url, 'vic');
		const attackerToken = generateSessionToken();
		await createSession(attackerToken, attacker.id);
		const response = await signInWith(`${SESSION_COOKIE}=${attackerToken}`, victim.username);
		const issued = sessionCookie(response)!;
		expect(issued.token).not.toBe(attackerToken);
		expect((await validateSessionToken(attackerToken)).user?.username).toBe(attacker.username);
		expect((await validateSessionToken(issued.token)).user?.username).toBe(victim.username);
	});

	it('sign-out ends the session on the server: the old cookie value no longer works', async () => {
		const person = await signUpOverHttp(app.url, 'out');
		const signIn = await signInWith('', person.username);
		const token = sessionCookie(signIn)!.token;
		expect(await workspacesWith(token)).toBe(200);
		const signOut = await fetch(`${app.url}/signout`, {
			method: 'POST',
			redirect: 'manual',
			body: '',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: app.url, cookie: `${SESSION_COOKIE}=${token}` }
		});
		expect(signOut.status).toBe(303);
		expect(sessionCookie(signOut)?.attributes).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
		// A copy of the cookie kept from before (or never deleted by the browser) is refused.
		expect((await validateSessionToken(token)).session).toBeNull();
		expect(await workspacesWith(token)).toBe(303);
		const hub = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` } });
		const refusal = await new Promise<Error>((resolve) => hub.once('connect_error', resolve));
		hub.disconnect();
		expect(refusal.message).toBe('Sign in to join generation sessions.');
	}, 60_000); // the first /workspaces render compiles the page in Vite's dev server

	it('the session cookie is HttpOnly, SameSite=Lax, for the whole site, not Secure over plain http', async () => {
		const person = await signUpOverHttp(app.url, 'ck');
		const { attributes } = sessionCookie(await signInWith('', person.username))!;
		expect(attributes).toMatch(/;\s*HttpOnly/i);
		expect(attributes).toMatch(/;\s*SameSite=Lax/i);
		expect(attributes).toMatch(/;\s*Path=\//i);
		expect(attributes).not.toMatch(/;\s*Secure/i);
	});

	it('the session cookie is Secure when the studio is served over https', () => {
		const set: { name: string; value: string; options: Record<string, unknown> }[] = [];
		const cookies = { set: (name: string, value: string, options: Record<string, unknown>) => set.push({ name, value, options }) } as unknown as Cookies;
		setSessionTokenCookie(cookies, new URL('https://studio.example/signin'), 'token', new Date(Date.now() + 60_000));
		setSessionTokenCookie(cookies, new URL('http://localhost:5173/signin'), 'token', new Date(Date.now() + 60_000));
		expect(set.map((cookie) => cookie.options)).toMatchObject([
			{ httpOnly: true, sameSite: 'lax', secure: true, path: '/' },
			{ httpOnly: true, sameSite: 'lax', secure: false, path: '/' }
		]);
	});
});
