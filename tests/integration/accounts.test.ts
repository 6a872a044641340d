import { describe, expect, it } from 'vitest';
import { signIn, signUp, createSession, generateSessionToken, validateSessionToken, invalidateSession } from '$lib/server/auth';
import { sessionIdFromToken, SESSION_TTL_MS } from '$lib/server/auth/session';
import { config } from '$lib/server/config';
import { prisma } from '$lib/server/db';
import { redis, redisKey } from '$lib/server/redis';
import { uniqueUsername as uniqueName } from '../helpers/unique';
import { refusal } from '../helpers/refusal';

const PASSWORD = 'correct horse battery';
let counter = 0;
const uniqueAddress = () => `10.${counter++ % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;


describe('accounts', () => {
	it('stores an argon2id hash, never the password', async () => {
		const user = await signUp(uniqueName('hash'), PASSWORD);
		const row = await (await prisma()).user.findUniqueOrThrow({ where: { id: user.id } });
		expect(row.passwordHash.startsWith('$argon2id$')).toBe(true);
		expect(row.passwordHash).not.toContain(PASSWORD);
	});

	it('treats usernames that differ only in case as the same account', async () => {
		const name = uniqueName('Case');
		await signUp(name, PASSWORD);
		const error = await refusal(signUp(name.toUpperCase(), PASSWORD));
		expect(error.status).toBe(409);
		expect(error.field).toBe('username');
		const user = await signIn(name.toLowerCase(), PASSWORD, uniqueAddress());
		expect(user.username).toBe(name);
	});

	it('gives one message for a wrong password and for an unknown username', async () => {
		const name = uniqueName('same');
		await signUp(name, PASSWORD);
		const wrongPassword = await refusal(signIn(name, 'not the password', uniqueAddress()));
		const unknownUser = await refusal(signIn(uniqueName('ghost'), PASSWORD, uniqueAddress()));
		expect(wrongPassword.status).toBe(400);
		expect(unknownUser.message).toBe(wrongPassword.message);
		expect(wrongPassword.field).toBeUndefined();
	});

	it('locks an account after too many failures, even for the right password, with a retry time', async () => {
		const name = uniqueName('lock');
		await signUp(name, PASSWORD);
		const limit = config().SIGNIN_MAX_FAILURES_PER_ACCOUNT;
		for (let i = 0; i < limit; i++) {
			// A different address each time: the account limit alone must stop this.
			expect((await refusal(signIn(name, `wrong-${i}`, uniqueAddress()))).status).toBe(400);
		}
		const locked = await refusal(signIn(name, PASSWORD, uniqueAddress()));
		expect(locked.status).toBe(429);
		expect(locked.retryAfterSeconds).toBeGreaterThan(0);
		expect(locked.retryAfterSeconds).toBeLessThanOrEqual(config().SIGNIN_WINDOW_SECONDS);
	});

	it('keeps the failure counts in Redis, shared by every instance', async () => {
		const name = uniqueName('redis');
		await signIn(name, 'whatever password', uniqueAddress()).catch(() => {});
		const client = redis();
		expect(client, 'integration tests run with REDIS_URL set').not.toBeNull();
		const keys = await client!.keys(`${redisKey('signin', 'account')}*${name.toLowerCase()}*`);
		expect(keys.length).toBe(1);
	});

	it('blocks one address spraying many accounts, and only that address', async () => {
		const address = uniqueAddress();
		const limit = config().SIGNIN_MAX_FAILURES_PER_ADDRESS;
		for (let i = 0; i < limit; i++) {
			expect((await refusal(signIn(uniqueName('spray'), 'guess', address))).status).toBe(400);
		}
		const name = uniqueName('victim');
		await signUp(name, PASSWORD);
		expect((await refusal(signIn(name, PASSWORD, address))).status).toBe(429);
		expect((await signIn(name, PASSWORD, uniqueAddress())).username).toBe(name);
	});

	it('a successful sign-in clears the account’s failure count', async () => {
		const name = uniqueName('reset');
		await signUp(name, PASSWORD);
		const limit = config().SIGNIN_MAX_FAILURES_PER_ACCOUNT;
		for (let i = 0; i < limit - 1; i++) await signIn(name, 'wrong', uniqueAddress()).catch(() => {});
		await signIn(name, PASSWORD, uniqueAddress());
		for (let i = 0; i < limit - 1; i++) await signIn(name, 'wrong', uniqueAddress()).catch(() => {});
		expect((await signIn(name, PASSWORD, uniqueAddress())).username).toBe(name);
	});
});

describe('sessions', () => {
	it('stores only the SHA-256 of the token and validates the token', async () => {
		const user = await signUp(uniqueName('sess'), PASSWORD);
		const token = generateSessionToken();
		const session = await createSession(token, user.id);
		expect(session.id).toBe(sessionIdFromToken(token));
		expect(session.id).not.toContain(token);
		const rows = await (await prisma()).session.findMany({ where: { userId: user.id } });
		expect(rows.map((r) => r.id)).toEqual([sessionIdFromToken(token)]);
		const result = await validateSessionToken(token);
		expect(result.user?.id).toBe(user.id);
		expect((await validateSessionToken(generateSessionToken())).user).toBeNull();
	});

	it('rejects and deletes an expired session', async () => {
		const user = await signUp(uniqueName('exp'), PASSWORD);
		const token = generateSessionToken();
		const session = await createSession(token, user.id);
		const db = await prisma();
		await db.session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
		expect((await validateSessionToken(token)).session).toBeNull();
		expect(await db.session.count({ where: { id: session.id } })).toBe(0);
	});

	it('slides the expiry forward when a session is used late in its life', async () => {
		const user = await signUp(uniqueName('slide'), PASSWORD);
		const token = generateSessionToken();
		const session = await createSession(token, user.id);
		const db = await prisma();
		const soon = new Date(Date.now() + 24 * 60 * 60 * 1000);
		await db.session.update({ where: { id: session.id }, data: { expiresAt: soon } });
		const result = await validateSessionToken(token);
		expect(result.renewed).toBe(true);
		expect(result.session!.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);
	});

	it('signing out invalidates the session', async () => {
		const user = await signUp(uniqueName('out'), PASSWORD);
		const token = generateSessionToken();
		const session = await createSession(token, user.id);
		await invalidateSession(session.id);
		expect((await validateSessionToken(token)).user).toBeNull();
	});
});
