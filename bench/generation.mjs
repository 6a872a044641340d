// `npm run bench`, second part: live generation sessions (bench/generation-bench.ts). Like
// bench/yjs.mjs, this entry picks the database (a bench database on the PostgreSQL server when one
// answers, else the embedded engine in a temporary folder) and loads the studio's server code
// through Vite (for $lib and $realtime). Redis is used, as by the integration tests, when it answers
// at TEST_REDIS_URL (default redis://127.0.0.1:6379), under a key prefix of this run's own.
import { chooseRedis } from './bench-redis.mjs';
import { chooseDatabase } from './bench-database.mjs';
import { root, runStudioBench } from './run-studio-bench.mjs';

process.env.LOG_LEVEL ??= 'warn';
const database = await chooseDatabase();
const redis = await chooseRedis({ uses: "socket.io's Redis adapter publishes every event, run limits in Redis", without: 'socket.io without an adapter' });
// Whatever hangs, the run ends (and cleans up what it can) instead of waiting forever.
setTimeout(async () => {
	console.error('generation bench: gave up after 10 minutes');
	await redis.drop().catch(() => {});
	await database.drop().catch(() => {});
	process.exit(1);
}, 600_000).unref();
await runStudioBench('/bench/generation-bench.ts', { database: database.description, redis: redis.description, root }, async () => {
	await redis.drop().catch((error) => console.error(`could not clear the bench's Redis keys: ${error.message}`));
	await database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`));
});
