// Changing a password. The current one is checked as a sign-in checks it (argon2, under the same
// budget: a wrong one is a failed guess), the new one follows the sign-up rule, and every other
// session of the person ends with the change, sockets and all; the session that asked stays.
import { passwordSchema } from '$lib/schemas/account';
import { prisma } from '../db';
import { ServiceError, invalid, notFound } from '../errors';
import { minutesToWait } from '../wait-words';
import { usernameKey } from './accounts';
import { hashPassword, verifyPassword } from './password';
import { invalidateOtherSessions } from './session';
import { signinNotChecked, signinSucceeded, takeSigninAttempt } from './signin-limiter';

/**
 * Sets the user's new password and ends every session of theirs but `keepSessionId`; returns how
 * many ended. `address` is the client's, whose guesses are counted with the account's.
 */
export async function changePassword(userId: string, current: string, next: string, keepSessionId: string, address: string): Promise<number> {
	const rule = passwordSchema.safeParse(next);
	if (!rule.success) throw invalid(rule.error.issues[0]!.message, 'newPassword');
	// Both were typed here: refusing this checks no password, so it is no guess.
	if (next === current) throw invalid('Choose a password other than your current one.', 'newPassword');
	const db = await prisma();
	const user = await db.user.findUnique({ where: { id: userId }, select: { username: true, passwordHash: true } });
	if (!user) throw notFound('Your account');
	const key = usernameKey(user.username);
	// Counted before the check, as a sign-in is: a stolen session cannot guess the password faster.
	const gate = await takeSigninAttempt(key, address);
	if (!gate.allowed) {
		throw new ServiceError(429, `Too many wrong passwords. Try again in ${minutesToWait(gate.retryAfterSeconds)}.`, 'currentPassword', gate.retryAfterSeconds);
	}
	let matches: boolean;
	try {
		matches = await verifyPassword(user.passwordHash, current);
	} catch (error) {
		// Refused by the password gate before any check (the studio is busy): not a failed guess.
		if (error instanceof ServiceError && error.status === 429) await signinNotChecked(key, address);
		throw error;
	}
	if (!matches) throw invalid('That is not your current password.', 'currentPassword');
	await signinSucceeded(key, address);
	const passwordHash = await hashPassword(next);
	return invalidateOtherSessions(userId, keepSessionId, (tx) => tx.user.update({ where: { id: userId }, data: { passwordHash } }));
}
