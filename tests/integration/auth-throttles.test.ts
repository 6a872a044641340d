// Sign-in and sign-up budgets hold however fast requests come (F7): an attempt takes its point
// before any password is checked, so guesses fired at once get no more checks than the budget; a
// sign-in that succeeds gives its point back; sign-ups are counted per address. Through the real
// forms of a studio started with small budgets and a long window (no test waits for one to roll
// over). The studio reads the client address from X-Forwarded-For, as behind the Dockerfile's proxy,
// so each test speaks from addresses of its own; a 400 "do not match" is a password checked, a 429
// an attempt refused before any check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { FormClient, visibleText, type FormResponse } from '../helpers/form-client';
import { TEST_PASSWORD, uniqueUsername } from '../helpers/unique';

const PER_ACCOUNT = 3;
const PER_ADDRESS = 6;
const SIGNUPS_PER_ADDRESS = 3;
const WINDOW_SECONDS = 3600;

let app: AppServer;

beforeAll(async () => {
	app = await startAppServer({
		SIGNIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
		SIGNIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
		SIGNIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
		SIGNUP_MAX_PER_ADDRESS: String(SIGNUPS_PER_ADDRESS),
		SIGNUP_WINDOW_SECONDS: String(WINDOW_SECONDS),
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1'
	});
}, 90_000);

afterAll(async () => {
	await app?.stop();
});

let addressCount = 0;
/** A client address no other test (nor an earlier run sharing the Redis) has used. */
const freshAddress = () => `10.${++addressCount % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const from = (address: string) => new FormClient(app.url, { 'x-forwarded-for': address });

const WRONG = 'That username and password do not match an account.';
const signIn = (username: string, password: string, address = freshAddress()) => from(address).post('/signin', { username, password });
const signUp = (username: string, address: string) => from(address).post('/signup', { username, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });

/** A new account, made from an address of its own. */
async function account(prefix: string): Promise<string> {
	const username = uniqueUsername(prefix);
	const response = await signUp(username, freshAddress());
	expect(response.status, visibleText(response.html).slice(0, 200)).toBe(303);
	return username;
}

function tally(responses: FormResponse[]) {
	const checked = responses.filter((r) => r.status === 400 && visibleText(r.html).includes(WRONG));
	const refused = responses.filter((r) => r.status === 429);
	return { checked: checked.length, refused };
}

function expectRefusedSignin(response: FormResponse) {
	expect(response.status).toBe(429);
	expect(visibleText(response.html)).toMatch(/Too many failed sign-ins\. Try again in \d+ minutes\./);
	const retryAfter = Number(response.headers.get('retry-after'));
	expect(retryAfter).toBeGreaterThan(0);
	expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

describe('the sign-in budget', () => {
	it('checks no more than the account’s budget of 40 wrong passwords fired at once, from 40 addresses', async () => {
		const username = await account('burst');
		const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(username, `wrong guess ${i}`)));
		const { checked, refused } = tally(responses);
		expect(checked).toBe(PER_ACCOUNT);
		expect(refused).toHaveLength(40 - PER_ACCOUNT);
		for (const response of refused) expectRefusedSignin(response);
		// The right password is refused too until the window passes, and signs nobody in.
		const client = from(freshAddress());
		expectRefusedSignin(await client.post('/signin', { username, password: TEST_PASSWORD }));
		expect(client.signedIn).toBe(false);
	});

	it('checks no more than the address’s budget of 40 guesses at once across accounts', async () => {
		const address = freshAddress();
		const responses = await Promise.all(Array.from({ length: 40 }, () => signIn(uniqueUsername('spray'), 'wrong guess', address)));
		const { checked, refused } = tally(responses);
		expect(checked).toBe(PER_ADDRESS);
		for (const response of refused) expectRefusedSignin(response);
		// Only that address: the same account signs in from another.
		const username = await account('other');
		expectRefusedSignin(await signIn(username, TEST_PASSWORD, address));
		expect((await signIn(username, TEST_PASSWORD)).status).toBe(303);
	});

	it('gives a successful sign-in’s point back: an address signs in all day and keeps its whole budget', async () => {
		const team = await Promise.all(Array.from({ length: PER_ADDRESS }, () => account('daily')));
		const office = freshAddress();
		// Twice the address's budget of sign-ins, one after another, then the whole team at once.
		for (const username of [...team, ...team]) expect((await signIn(username, TEST_PASSWORD, office)).status).toBe(303);
		const together = await Promise.all(team.map((username) => signIn(username, TEST_PASSWORD, office)));
		expect(together.map((r) => r.status)).toEqual(team.map(() => 303));
		// The address's whole budget of failures is still there, then no more.
		const guesses = await Promise.all(Array.from({ length: PER_ADDRESS + 4 }, () => signIn(uniqueUsername('miss'), 'wrong guess', office)));
		expect(tally(guesses).checked).toBe(PER_ADDRESS);
		expect(tally(guesses).refused).toHaveLength(4);
	});

	it('forgets an account’s failures once its owner signs in', async () => {
		const username = await account('forgot');
		for (let i = 0; i < PER_ACCOUNT - 1; i++) expect((await signIn(username, 'wrong guess')).status).toBe(400);
		expect((await signIn(username, TEST_PASSWORD)).status).toBe(303);
		const guesses = await Promise.all(Array.from({ length: PER_ACCOUNT + 2 }, () => signIn(username, 'wrong guess')));
		expect(tally(guesses).checked).toBe(PER_ACCOUNT);
	});
});

describe('the sign-up budget', () => {
	it(`refuses the sign-up after ${SIGNUPS_PER_ADDRESS} from one address, with a clear message, and makes no account`, async () => {
		const address = freshAddress();
		for (let i = 0; i < SIGNUPS_PER_ADDRESS; i++) expect((await signUp(uniqueUsername('many'), address)).status).toBe(303);
		const last = uniqueUsername('many');
		const refused = await signUp(last, address);
		expect(refused.status).toBe(429);
		expect(visibleText(refused.html)).toMatch(/Too many sign-ups from your network\. Try again in \d+ minutes\./);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(refused.html).toContain(`value="${last}"`);
		expect(await (await prisma()).user.count({ where: { usernameKey: last } })).toBe(0);
		// Another address still signs up.
		expect((await signUp(last, freshAddress())).status).toBe(303);
	});

	it('makes no more accounts than the budget from 20 sign-ups fired at once', async () => {
		const address = freshAddress();
		const names = Array.from({ length: 20 }, () => uniqueUsername('rush'));
		const responses = await Promise.all(names.map((name) => signUp(name, address)));
		expect(responses.filter((r) => r.status === 303)).toHaveLength(SIGNUPS_PER_ADDRESS);
		expect(responses.filter((r) => r.status === 429)).toHaveLength(20 - SIGNUPS_PER_ADDRESS);
		expect(await (await prisma()).user.count({ where: { usernameKey: { in: names } } })).toBe(SIGNUPS_PER_ADDRESS);
	});

	it('counts a refused name too: a taken username is still a sign-up attempt', async () => {
		const address = freshAddress();
		const taken = await account('taken');
		for (let i = 0; i < SIGNUPS_PER_ADDRESS; i++) expect((await signUp(taken, address)).status).toBe(409);
		expect((await signUp(uniqueUsername('after'), address)).status).toBe(429);
	});
});
