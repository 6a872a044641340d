// The shared Redis connection, when REDIS_URL is set (several instances share rate limits,
// socket.io rooms and Yjs updates through it). One embedded instance needs no Redis.
import { Redis } from 'ioredis';
import { config } from './config';
import { logger } from './logger';
import { slot } from './runtime';

const shared = slot<Redis | null>('redis', () => {
	const url = config().REDIS_URL;
	if (!url) return null;
	const client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
	client.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
	return client;
});

/** The Redis client, or null when the studio runs without Redis. */
export function redis(): Redis | null {
	return shared();
}

/**
 * Waits (at most `timeoutMs`) until the client is connected. Commands are not queued while it
 * connects (enableOfflineQueue: false), so a rate limiter asked before then would count in its
 * in-memory fallback, apart from every other instance: the studio waits for Redis before serving.
 * An unreachable Redis is logged and the studio serves on its fallbacks, as during an outage.
 */
export async function redisReady(timeoutMs = 10_000): Promise<void> {
	const client = redis();
	if (!client || client.status === 'ready') return;
	const ready = await new Promise<boolean>((resolve) => {
		const timer = setTimeout(() => finish(false), timeoutMs);
		const onReady = () => finish(true);
		function finish(ok: boolean) {
			clearTimeout(timer);
			client!.off('ready', onReady);
			resolve(ok);
		}
		client.once('ready', onReady);
	});
	if (!ready) logger.warn({ timeoutMs, status: client.status }, 'redis was not ready in time: rate limits count in memory until it is');
}

/** Keys are namespaced so several studios (or test runs) can share one Redis. */
export function redisKey(...parts: string[]): string {
	return [config().REDIS_PREFIX, ...parts].join(':');
}

export async function closeRedis(): Promise<void> {
	const client = shared.peek();
	shared.clear();
	if (client) await closeRedisClient(client);
}

/**
 * Closes a client: with QUIT while connected; at once while Redis is away, where a QUIT would wait
 * in the client's queue for it to come back (a studio stopped during an outage would hang).
 */
export async function closeRedisClient(client: Redis): Promise<void> {
	if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
	else client.disconnect();
}
