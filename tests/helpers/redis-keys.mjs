// Deletes every Redis key under a prefix (a test run's or a bench's own), with SCAN so a large
// keyspace is never blocked. Plain JavaScript: bench entries run it without a TypeScript loader.
/** @param {import('ioredis').Redis} redis @param {string} prefix */
export async function deleteKeysWithPrefix(redis, prefix) {
	let cursor = '0';
	do {
		const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
		if (keys.length) await redis.del(...keys);
		cursor = next;
	} while (cursor !== '0');
}
