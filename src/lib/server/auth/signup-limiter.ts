// Throttles sign-ups per client address: each one costs an argon2 hash and makes an account that
// can run models, so an open studio must not hand out accounts as fast as a script can ask. The
// point is taken before anything is checked or hashed, so sign-ups fired at once are counted too.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from '../config';
import { sharedLimiter, takePoints, type Gate } from '../rate-limit';

const LIMITER = Symbol.for('codetunestudio.signupLimiter');
const globals = globalThis as Record<symbol, RateLimiterAbstract | undefined>;

function limiter(): RateLimiterAbstract {
	const c = config();
	globals[LIMITER] ??= sharedLimiter(['signup', 'address'], c.SIGNUP_MAX_PER_ADDRESS, c.SIGNUP_WINDOW_SECONDS);
	return globals[LIMITER];
}

/** One sign-up attempt from this address, whatever becomes of it (a taken name counts too). */
export function takeSignupAttempt(address: string): Promise<Gate> {
	return takePoints([[limiter(), address]]);
}
