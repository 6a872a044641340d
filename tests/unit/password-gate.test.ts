// Every argon2 hash and check passes one gate (auth/password.ts): a burst of sign-ins cannot take
// every thread of libuv's pool or 19 MiB per check at once. A few run, a bounded queue waits, and the
// rest are refused at once with a clear "try again" instead of piling up.
import { describe, expect, it } from 'vitest';
import { PASSWORD_CHECKS_AT_ONCE, PASSWORD_CHECKS_WAITING, hashPassword, verifyPassword } from '$lib/server/auth/password';
import { ServiceError } from '$lib/server/errors';

describe('the password gate', () => {
	it('runs a few checks at once, queues a bounded number, and refuses the rest with 429 and a wait', async () => {
		const stored = await hashPassword('correct horse battery staple');
		const burst = PASSWORD_CHECKS_AT_ONCE + PASSWORD_CHECKS_WAITING + 8;
		const outcomes = await Promise.allSettled(Array.from({ length: burst }, (_, i) => verifyPassword(stored, i === 0 ? 'correct horse battery staple' : `guess ${i}`)));
		const refused = outcomes.filter((o) => o.status === 'rejected');
		expect(refused).toHaveLength(8);
		for (const outcome of refused) {
			const error = (outcome as PromiseRejectedResult).reason;
			expect(error).toBeInstanceOf(ServiceError);
			expect(error).toMatchObject({ status: 429, retryAfterSeconds: expect.any(Number) });
			expect(error.message).toMatch(/^Many people are signing in right now: try again in \d+ seconds\.$/);
		}
		// Those let in were checked, and checked right.
		const checked = outcomes.filter((o): o is PromiseFulfilledResult<boolean> => o.status === 'fulfilled').map((o) => o.value);
		expect(checked).toHaveLength(PASSWORD_CHECKS_AT_ONCE + PASSWORD_CHECKS_WAITING);
		expect(checked[0]).toBe(true);
		expect(checked.slice(1).every((matches) => !matches)).toBe(true);
		// Once the burst has passed, the gate is open again: every turn was given back.
		expect(await Promise.all(Array.from({ length: PASSWORD_CHECKS_AT_ONCE + PASSWORD_CHECKS_WAITING }, () => verifyPassword(stored, 'correct horse battery staple')))).toEqual(
			Array.from({ length: PASSWORD_CHECKS_AT_ONCE + PASSWORD_CHECKS_WAITING }, () => true)
		);
	}, 60_000);

	it('a check that fails (a malformed stored hash) is a mismatch and gives its turn back', async () => {
		const results = await Promise.all(Array.from({ length: PASSWORD_CHECKS_AT_ONCE + 3 }, () => verifyPassword('not-a-hash', 'anything')));
		expect(results.every((matches) => matches === false)).toBe(true);
		expect(await verifyPassword(await hashPassword('x'), 'x')).toBe(true);
	}, 60_000);
});
