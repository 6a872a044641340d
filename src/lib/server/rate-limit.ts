// One way to build a rate limiter (rate-limiter-flexible): counts in Redis when configured, so every
// instance sees the same numbers, in memory otherwise; a Redis outage falls back to memory rather
// than opening the gate or locking everyone out.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { redis, redisKey } from './redis';

/** `points` per `durationSeconds` under the key prefix `name` (its parts joined, namespaced in Redis). */
export function sharedLimiter(name: string[], points: number, durationSeconds: number): RateLimiterAbstract {
	const memory = new RateLimiterMemory({ keyPrefix: name.join('-'), points, duration: durationSeconds });
	const client = redis();
	if (!client) return memory;
	return new RateLimiterRedis({ storeClient: client, keyPrefix: redisKey(...name), points, duration: durationSeconds, insuranceLimiter: memory });
}

/** Whether an attempt may go on, or how long until it may. */
export type Gate = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes one point from each budget (a limiter and the key it counts), all or nothing, before the
 * work it pays for: consume() counts atomically, so attempts fired at once can never all pass a
 * check made before they are counted. When any budget is spent the attempt is refused (with the
 * longest wait) and the others get their point back: a refused attempt does nothing. A store error
 * (not a refusal) is thrown, so the gate stays shut.
 */
export async function takePoints(budgets: [RateLimiterAbstract, string][]): Promise<Gate> {
	const results = await Promise.allSettled(budgets.map(([limiter, key]) => limiter.consume(key)));
	const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
	if (failed.length === 0) return { allowed: true };
	const broken = failed.find((reason) => !(reason instanceof RateLimiterRes));
	await Promise.all(budgets.map(([limiter, key], i) => (results[i]!.status === 'fulfilled' ? limiter.reward(key) : null)));
	if (broken) throw broken;
	const waitMs = Math.max(...failed.map((reason) => (reason as RateLimiterRes).msBeforeNext));
	return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}
