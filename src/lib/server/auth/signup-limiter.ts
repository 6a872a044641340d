// Throttles sign-ups per client address: each one costs an argon2 hash and makes an account that
// can run models, so an open studio must not hand out accounts as fast as a script can ask. The
// point is taken before anything is checked or hashed, so sign-ups fired at once are counted too.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from '../config';
import { sharedLimiter, takePoints, type Gate } from '../rate-limit';
import { slot } from '../runtime';

const limiter = slot('auth.signupLimiter', (): RateLimiterAbstract => {
	const c = config();
	return sharedLimiter(['signup', 'address'], c.SIGNUP_MAX_PER_ADDRESS, c.SIGNUP_WINDOW_SECONDS);
});

/** One sign-up attempt from this address, whatever becomes of it (a taken name counts too). */
export function takeSignupAttempt(address: string): Promise<Gate> {
	return takePoints([[limiter(), address]]);
}
