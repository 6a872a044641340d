// Throttles sign-in attempts per account and per client address (rate-limiter-flexible). An attempt
// takes its point from both budgets before the password is checked, in one atomic step each, so 40
// guesses fired at once get exactly as many checks as the budget holds, not 40 (F7); a sign-in that
// succeeds gives its point back. Counts live in Redis when configured, so every instance sees the
// same numbers; in memory otherwise, and a Redis outage falls back to memory.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from '../config';
import { sharedLimiter, takePoints, type Gate } from '../rate-limit';
import { slot } from '../runtime';

interface Limiters {
	account: RateLimiterAbstract;
	address: RateLimiterAbstract;
}

const limiters = slot('auth.signinLimiters', (): Limiters => {
	const c = config();
	return {
		account: sharedLimiter(['signin', 'account'], c.SIGNIN_MAX_FAILURES_PER_ACCOUNT, c.SIGNIN_WINDOW_SECONDS),
		address: sharedLimiter(['signin', 'address'], c.SIGNIN_MAX_FAILURES_PER_ADDRESS, c.SIGNIN_WINDOW_SECONDS)
	};
});

/** One sign-in attempt for this account from this address, taken before the password is checked. */
export function takeSigninAttempt(accountKey: string, address: string): Promise<Gate> {
	const { account, address: byAddress } = limiters();
	return takePoints([
		[account, accountKey],
		[byAddress, address]
	]);
}

/**
 * The attempt succeeded: the address gets its point back (a team behind one address signs in all
 * day), and the account's failures are forgotten, as its owner has just shown the password.
 */
export async function signinSucceeded(accountKey: string, address: string): Promise<void> {
	const { account, address: byAddress } = limiters();
	await Promise.all([account.delete(accountKey), byAddress.reward(address)]);
}

/** The password was never checked (the studio was too busy): the attempt's points go back to both budgets. */
export async function signinNotChecked(accountKey: string, address: string): Promise<void> {
	const { account, address: byAddress } = limiters();
	await Promise.all([account.reward(accountKey), byAddress.reward(address)]);
}
