// Throttles guesses at invitation links per client address, as sign-in guesses are throttled: a
// lookup takes its point before the database is asked, so lookups fired at once are counted too,
// and a link that turns out to work gives its point back. A link's secret has 160 random bits, so
// guessing one is hopeless anyway; the budget keeps a script from making the database try.
// The numbers are sign-in's per-address ones (SIGNIN_MAX_FAILURES_PER_ADDRESS per
// SIGNIN_WINDOW_SECONDS), in a budget of their own.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from '../config';
import { sharedLimiter, takePoints, type Gate } from '../rate-limit';
import { slot } from '../runtime';

const limiter = slot('workspaces.invitationGuessLimiter', (): RateLimiterAbstract => {
	const c = config();
	return sharedLimiter(['invitation', 'address'], c.SIGNIN_MAX_FAILURES_PER_ADDRESS, c.SIGNIN_WINDOW_SECONDS);
});

/** One look at an invitation link from this address, taken before the link is looked up. */
export function takeInvitationGuess(address: string): Promise<Gate> {
	return takePoints([[limiter(), address]]);
}

/** The link worked: the look was no guess, and the address gets its point back. */
export async function invitationGuessRight(address: string): Promise<void> {
	await limiter().reward(address);
}
