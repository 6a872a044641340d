// The container image reached directly, with no proxy in front: it runs with the Dockerfile's own
// environment (read from the Dockerfile), trusts no forwarded header, so a sign-in without
// X-Forwarded-For works over plain HTTP with a cookie that is not Secure, and forged, rotating
// X-Forwarded-For values do not escape the per-address sign-in and sign-up limits. With the image's
// former settings (forwarded headers trusted, as TRUST_PROXY=1 sets them), a request lacking the
// address header is counted by its socket address, never answered 500. Each test speaks from a
// loopback address of its own (127.x.y.z), so its budget is its own.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { visibleText } from '../helpers/form-client';
import { TEST_PASSWORD, uniqueUsername } from '../helpers/unique';

const PER_ADDRESS = 3;
const SIGNUPS_PER_ADDRESS = 2;
const LIMITS = {
	SIGNIN_MAX_FAILURES_PER_ACCOUNT: '50',
	SIGNIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
	SIGNIN_WINDOW_SECONDS: '3600',
	SIGNUP_MAX_PER_ADDRESS: String(SIGNUPS_PER_ADDRESS),
	SIGNUP_WINDOW_SECONDS: '3600'
};
/** The forwarded-header settings, unset unless a test names them: a fresh container's. */
const NO_PROXY_SETTINGS = { TRUST_PROXY: undefined, ORIGIN: undefined, PROTOCOL_HEADER: undefined, HOST_HEADER: undefined, ADDRESS_HEADER: undefined, XFF_DEPTH: undefined };
/** What the image set before: every forwarded header trusted. */
const FORMER_IMAGE_SETTINGS = { PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' };

/** The ENV of the Dockerfile's final stage, less what startAppServer sets for a test (port, host, data folder). */
function imageEnvironment(): Record<string, string> {
	const dockerfile = readFileSync(resolve(import.meta.dirname, '../../Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
	const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
	const env: Record<string, string> = {};
	for (const line of finalStage.split('\n').filter((l) => /^ENV\s/.test(l))) {
		for (const [, name, value] of line.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[name!] = value!.replace(/^"|"$/g, '');
	}
	for (const name of ['PORT', 'HOST', 'DATA_DIR']) delete env[name];
	return env;
}

interface Answer {
	status: number;
	location: string | null;
	setCookie: string[];
	text: string;
}

let loopback = 0;
/** A loopback address no other test of this run speaks from. */
const freshLoopback = () => `127.${(++loopback % 250) + 1}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;

/** Posts a form as a browser with JavaScript off would, from `from` (the socket's own address). */
function postForm(app: AppServer, path: string, fields: Record<string, string>, from: string, headers: Record<string, string> = {}): Promise<Answer> {
	const url = new URL(path, app.url);
	const body = new URLSearchParams(fields).toString();
	return new Promise((done, fail) => {
		const req = httpRequest(
			url,
			{
				method: 'POST',
				localAddress: from,
				headers: { accept: 'text/html', origin: app.url, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers }
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () => {
					const setCookie = res.headers['set-cookie'] ?? [];
					done({ status: res.statusCode!, location: res.headers.location ?? null, setCookie, text });
				});
			}
		);
		req.on('error', fail);
		req.end(body);
	});
}

const signUp = (app: AppServer, username: string, from: string, headers?: Record<string, string>) =>
	postForm(app, '/signup', { username, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }, from, headers);
const signIn = (app: AppServer, username: string, password: string, from: string, headers?: Record<string, string>) =>
	postForm(app, '/signin', { username, password }, from, headers);
const sessionCookie = (answer: Answer) => answer.setCookie.find((line) => line.startsWith('auth-session='));
const forged = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i + 1}` });

describe('the image reached directly, with no proxy in front', () => {
	let app: AppServer;
	beforeAll(async () => {
		app = await startAppServer({ ...NO_PROXY_SETTINGS, ...imageEnvironment(), ...LIMITS });
	}, 90_000);
	afterAll(async () => {
		await app?.stop();
	});

	it('trusts no forwarded header by default', () => {
		const env = imageEnvironment();
		for (const name of ['TRUST_PROXY', 'PROTOCOL_HEADER', 'HOST_HEADER', 'ADDRESS_HEADER', 'XFF_DEPTH', 'ORIGIN']) expect(env[name], name).toBeUndefined();
	});

	it('signs up and in over plain HTTP without X-Forwarded-For: 303, and a cookie that is not Secure', async () => {
		const from = freshLoopback();
		const username = uniqueUsername('direct');
		const up = await signUp(app, username, from);
		expect(up.status, visibleText(up.text).slice(0, 300)).toBe(303);
		const signedIn = await signIn(app, username, TEST_PASSWORD, from);
		expect(signedIn.status, visibleText(signedIn.text).slice(0, 300)).toBe(303);
		const cookie = sessionCookie(signedIn);
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).not.toMatch(/;\s*Secure/i);
	});

	it('works behind a TLS proxy with no setting: an https page signs up with a Secure cookie', async () => {
		const from = freshLoopback();
		const https = { origin: app.url.replace('http:', 'https:'), 'x-forwarded-proto': 'https' };
		const up = await signUp(app, uniqueUsername('spaced'), from, https);
		expect(up.status, visibleText(up.text).slice(0, 300)).toBe(303);
		expect(sessionCookie(up)).toMatch(/;\s*Secure/i);
	});

	it('counts failed sign-ins by the socket address, whatever X-Forwarded-For a client forges', async () => {
		const from = freshLoopback();
		const answers: Answer[] = [];
		for (let i = 0; i < PER_ADDRESS + 2; i++) answers.push(await signIn(app, uniqueUsername('nobody'), 'wrong-password-1234', from, forged(i)));
		expect(answers.map((a) => a.status)).toEqual([...Array(PER_ADDRESS).fill(400), 429, 429]);
		// Another address still has its own budget.
		expect((await signIn(app, uniqueUsername('nobody'), 'wrong-password-1234', freshLoopback())).status).toBe(400);
	});

	it('counts sign-ups by the socket address, whatever X-Forwarded-For a client forges', async () => {
		const from = freshLoopback();
		const statuses: number[] = [];
		for (let i = 0; i < SIGNUPS_PER_ADDRESS + 1; i++) statuses.push((await signUp(app, uniqueUsername('rotating'), from, forged(i))).status);
		expect(statuses).toEqual([...Array(SIGNUPS_PER_ADDRESS).fill(303), 429]);
	});
});

describe('forwarded headers trusted (the image as it was, or TRUST_PROXY=1)', () => {
	for (const [name, settings] of [
		['the former image settings', FORMER_IMAGE_SETTINGS],
		['TRUST_PROXY=1', { TRUST_PROXY: '1' }]
	] as const) {
		describe(name, () => {
			let app: AppServer;
			beforeAll(async () => {
				app = await startAppServer({ ...NO_PROXY_SETTINGS, ...imageEnvironment(), ...LIMITS, ...settings });
			}, 90_000);
			afterAll(async () => {
				await app?.stop();
			});

			it('a sign-in without X-Forwarded-For is counted by its socket address, not answered 500', async () => {
				const from = freshLoopback();
				// A proxy that says the scheme (as every TLS proxy does) but not the address.
				const proxied = { 'x-forwarded-proto': 'http' };
				const username = uniqueUsername('noxff');
				expect((await signUp(app, username, from, proxied)).status).toBe(303);
				const signedIn = await signIn(app, username, TEST_PASSWORD, from, proxied);
				expect(signedIn.status, visibleText(signedIn.text).slice(0, 300)).toBe(303);
				const failures: number[] = [];
				for (let i = 0; i < PER_ADDRESS + 1; i++) failures.push((await signIn(app, uniqueUsername('nobody'), 'wrong-password-1234', from, proxied)).status);
				expect(failures).toEqual([...Array(PER_ADDRESS).fill(400), 429]);
			});

			it('behind a TLS proxy: the address the proxy saw is counted, and the cookie is Secure', async () => {
				const username = uniqueUsername('proxied');
				const client = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
				// The proxy reached over HTTPS appends the address it saw and says the scheme and host.
				const proxied = { 'x-forwarded-for': `10.0.0.1, ${client}`, 'x-forwarded-proto': 'https', origin: 'https://studio.example.com', 'x-forwarded-host': 'studio.example.com' };
				expect((await signUp(app, username, freshLoopback(), proxied)).status).toBe(303);
				const signedIn = await signIn(app, username, TEST_PASSWORD, freshLoopback(), proxied);
				expect(signedIn.status, visibleText(signedIn.text).slice(0, 300)).toBe(303);
				expect(sessionCookie(signedIn)).toMatch(/;\s*Secure/i);
				const failures: number[] = [];
				// Different sockets, one client behind the proxy: one budget.
				for (let i = 0; i < PER_ADDRESS; i++) failures.push((await signIn(app, uniqueUsername('nobody'), 'wrong-password-1234', freshLoopback(), proxied)).status);
				expect(failures).toEqual(Array(PER_ADDRESS).fill(400));
				expect((await signIn(app, uniqueUsername('nobody'), 'wrong-password-1234', freshLoopback(), proxied)).status).toBe(429);
			});
		});
	}
});
