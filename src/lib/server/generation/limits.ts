// Run starts per user per minute, counted where every instance sees them (rate-limit.ts).
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ServiceError } from '../errors';
import { sharedLimiter } from '../rate-limit';
import { slot } from '../runtime';
import { generationSettings } from './settings';

const built = slot<{ points: number; limiter: RateLimiterAbstract } | null>('generation.runLimiter', () => null);

function limiter(): RateLimiterAbstract {
	const points = generationSettings().runsPerMinutePerUser;
	let current = built();
	if (current?.points !== points) built.set((current = { points, limiter: sharedLimiter(['runs'], points, 60) }));
	return current.limiter;
}

/** Counts one run start for the user, or refuses it (429) with how long to wait. */
export async function consumeRunStart(userId: string): Promise<void> {
	try {
		await limiter().consume(userId);
	} catch (rejection) {
		if (rejection instanceof RateLimiterRes) {
			const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
			throw new ServiceError(429, `Too many runs: wait ${seconds} s before starting another.`, undefined, seconds);
		}
		throw rejection;
	}
}
