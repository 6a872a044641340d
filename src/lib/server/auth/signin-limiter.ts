// Throttles failed sign-ins per account and per client address (rate-limiter-flexible). Counts
// live in Redis when configured, so every instance sees the same numbers; in memory otherwise.
// A Redis outage falls back to memory rather than opening the gate or locking everyone out.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from '../config';
import { sharedLimiter } from '../rate-limit';

interface Limiters {
	account: RateLimiterAbstract;
	address: RateLimiterAbstract;
}

const LIMITERS = Symbol.for('codetunestudio.signinLimiters');
const globals = globalThis as Record<symbol, Limiters | undefined>;

function limiters(): Limiters {
	const c = config();
	globals[LIMITERS] ??= {
		account: sharedLimiter(['signin', 'account'], c.SIGNIN_MAX_FAILURES_PER_ACCOUNT, c.SIGNIN_WINDOW_SECONDS),
		address: sharedLimiter(['signin', 'address'], c.SIGNIN_MAX_FAILURES_PER_ADDRESS, c.SIGNIN_WINDOW_SECONDS)
	};
	return globals[LIMITERS];
}

export type SigninGate = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Whether another attempt may be checked for this account from this address. */
export async function checkSigninAllowed(accountKey: string, address: string): Promise<SigninGate> {
	const { account, address: byAddress } = limiters();
	const [a, b] = await Promise.all([account.get(accountKey), byAddress.get(address)]);
	const waits = [
		a && a.consumedPoints >= account.points ? a.msBeforeNext : 0,
		b && b.consumedPoints >= byAddress.points ? b.msBeforeNext : 0
	];
	const wait = Math.max(...waits);
	return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
}

export async function recordSigninFailure(accountKey: string, address: string): Promise<void> {
	const { account, address: byAddress } = limiters();
	// consume() rejects once the budget is spent; that rejection is the block itself, not an error.
	await Promise.allSettled([account.consume(accountKey), byAddress.consume(address)]);
}

export async function recordSigninSuccess(accountKey: string): Promise<void> {
	await limiters().account.delete(accountKey);
}
