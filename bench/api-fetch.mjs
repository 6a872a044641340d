// `npm run bench`: the prompt API over HTTP (bench/api-fetch-bench.ts): the studio's production
// build started as `node server.js`, driven by autocannon. Like the other entries, this one picks
// the database (a bench database on the PostgreSQL server when one answers, dropped after; else the
// embedded engine in a temporary folder) and loads the studio's server code through Vite (for the
// fixtures: workspace, prompt, versions, labels, tokens). Redis, when it answers at TEST_REDIS_URL
// (default redis://127.0.0.1:6379), holds the per-token rate limits under a key prefix of this
// run's own, deleted after, as several production instances would share them.
import { chooseRedis } from './bench-redis.mjs';
import { chooseDatabase } from './bench-database.mjs';
import { root, runStudioBench } from './run-studio-bench.mjs';

process.env.LOG_LEVEL ??= 'warn';
const database = await chooseDatabase();
const redis = await chooseRedis({ uses: 'per-token rate limits counted in Redis', without: "rate limits in the studio's memory" });
// Whatever hangs, the run ends (and cleans up what it can) instead of waiting forever.
setTimeout(async () => {
	console.error('prompt API bench: gave up after 10 minutes');
	await redis.drop().catch(() => {});
	await database.drop().catch(() => {});
	process.exit(1);
}, 600_000).unref();
await runStudioBench('/bench/api-fetch-bench.ts', { database: database.description, redis: redis.description, root }, async () => {
	await redis.drop().catch((error) => console.error(`could not clear the bench's Redis keys: ${error.message}`));
	await database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`));
});
