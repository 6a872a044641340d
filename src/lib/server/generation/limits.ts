// Run starts per user per minute (rate-limiter-flexible): in Redis when configured, so every
// instance counts the same starts; in memory otherwise. A Redis outage falls back to memory.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ServiceError } from '../errors';
import { redis, redisKey } from '../redis';
import { generationSettings } from './settings';

const LIMITER = Symbol.for('codetunestudio.runLimiter');
const globals = globalThis as Record<symbol, { points: number; limiter: RateLimiterAbstract } | undefined>;

function limiter(): RateLimiterAbstract {
	const points = generationSettings().runsPerMinutePerUser;
	if (globals[LIMITER]?.points !== points) {
		const memory = new RateLimiterMemory({ keyPrefix: 'runs', points, duration: 60 });
		const client = redis();
		const chosen = client
			? new RateLimiterRedis({ storeClient: client, keyPrefix: redisKey('runs'), points, duration: 60, insuranceLimiter: memory })
			: memory;
		globals[LIMITER] = { points, limiter: chosen };
	}
	return globals[LIMITER]!.limiter;
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
