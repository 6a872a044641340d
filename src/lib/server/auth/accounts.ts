// Signing up and signing in. Usernames are unique case-insensitively (a lower-cased key column);
// a failed sign-in never says whether the username or the password was wrong. Both are throttled
// before any work: a sign-in per account and per address, a sign-up per address.
import { isUniqueViolation, prisma } from '../db';
import { ServiceError, conflict } from '../errors';
import { minutesToWait } from '../wait-words';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import { signinNotChecked, signinSucceeded, takeSigninAttempt } from './signin-limiter';
import { takeSignupAttempt } from './signup-limiter';
import type { SessionUser } from './session';

export const usernameKey = (username: string) => username.trim().toLowerCase();

const WRONG_CREDENTIALS = 'That username and password do not match an account.';
/** Advisory lock key that serialises sign-ups while the studio has no account yet. */
const FIRST_ACCOUNT_LOCK = 0x5173a0d1;

/**
 * A new account. `address` is the client's, whose sign-ups are counted; only callers that are no
 * client (tests, benches, seeding inside the server) leave it out.
 */
export async function signUp(username: string, password: string, address?: string): Promise<SessionUser> {
	if (address !== undefined) {
		const gate = await takeSignupAttempt(address);
		if (!gate.allowed) {
			throw new ServiceError(429, `Too many sign-ups from your network. Try again in ${minutesToWait(gate.retryAfterSeconds)}.`, undefined, gate.retryAfterSeconds);
		}
	}
	const db = await prisma();
	const key = usernameKey(username);
	const taken = await db.user.findUnique({ where: { usernameKey: key }, select: { id: true } });
	if (taken) throw conflict('That username is taken.', 'username');
	const passwordHash = await hashPassword(password);
	try {
		const data = { username: username.trim(), usernameKey: key, passwordHash };
		// The first account of a studio becomes its site admin. Only while there is no account yet
		// does a sign-up take the lock and look again, so two first sign-ups at once make one admin.
		const user = (await db.user.findFirst({ select: { id: true } }))
			? await db.user.create({ data })
			: await db.$transaction(async (tx) => {
					await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK}::bigint)`;
					const first = (await tx.user.findFirst({ select: { id: true } })) === null;
					return tx.user.create({ data: { ...data, isSiteAdmin: first } });
				});
		return { id: user.id, username: user.username, displayName: user.displayName, isSiteAdmin: user.isSiteAdmin };
	} catch (error) {
		// Two sign-ups racing for one name: the unique index decides.
		if (isUniqueViolation(error)) throw conflict('That username is taken.', 'username');
		throw error;
	}
}

export async function signIn(username: string, password: string, address: string): Promise<SessionUser> {
	const key = usernameKey(username);
	// Counted before the password is checked: attempts fired at once cannot all pass a check first.
	const gate = await takeSigninAttempt(key, address);
	if (!gate.allowed) {
		throw new ServiceError(429, `Too many failed sign-ins. Try again in ${minutesToWait(gate.retryAfterSeconds)}.`, undefined, gate.retryAfterSeconds);
	}
	const db = await prisma();
	const user = await db.user.findUnique({ where: { usernameKey: key } });
	let matches: boolean;
	try {
		matches = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
	} catch (error) {
		// Refused by the password gate before any check: not a failed guess.
		if (error instanceof ServiceError && error.status === 429) await signinNotChecked(key, address);
		throw error;
	}
	if (!user || !matches) throw new ServiceError(400, WRONG_CREDENTIALS);
	await signinSucceeded(key, address);
	return { id: user.id, username: user.username, displayName: user.displayName, isSiteAdmin: user.isSiteAdmin };
}
