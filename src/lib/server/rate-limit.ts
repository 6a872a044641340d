// One way to build a rate limiter (rate-limiter-flexible): counts in Redis when configured, so every
// instance sees the same numbers, in memory otherwise; a Redis outage falls back to memory rather
// than opening the gate or locking everyone out.
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { redis, redisKey } from './redis';

/** `points` per `durationSeconds` under the key prefix `name` (its parts joined, namespaced in Redis). */
export function sharedLimiter(name: string[], points: number, durationSeconds: number): RateLimiterAbstract {
	const memory = new RateLimiterMemory({ keyPrefix: name.join('-'), points, duration: durationSeconds });
	const client = redis();
	if (!client) return memory;
	return new RateLimiterRedis({ storeClient: client, keyPrefix: redisKey(...name), points, duration: durationSeconds, insuranceLimiter: memory });
}
