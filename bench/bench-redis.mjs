// The Redis a bench uses: the one at TEST_REDIS_URL (default redis://127.0.0.1:6379) under a key
// prefix of the run's own, swept after; none when it does not answer (the studio then counts in
// memory). `uses` says in the printed header what Redis does in that bench, `without` what the
// studio does instead.
import { deleteKeysWithPrefix } from '../tests/helpers/redis-keys.mjs';

const redact = (url) => `${url.protocol}//${url.host}${url.pathname}`;

export async function chooseRedis({ uses, without }) {
	const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
	const { Redis } = await import('ioredis');
	const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
	redis.on('error', () => {});
	try {
		await redis.connect();
		await redis.ping();
	} catch (error) {
		redis.disconnect();
		delete process.env.REDIS_URL;
		return { description: `none (${redact(new URL(url))} did not answer: ${error.message}); ${without}`, drop: async () => {} };
	}
	const prefix = `cts_bench_${Date.now()}`;
	process.env.REDIS_URL = url;
	process.env.REDIS_PREFIX = prefix;
	return {
		description: `${redact(new URL(url))}, key prefix ${prefix}: ${uses}`,
		async drop() {
			await deleteKeysWithPrefix(redis, prefix);
			redis.disconnect();
		}
	};
}
