// `npm run bench`: the public library's search over a generated library of 100,000 public prompts
// (bench/library-search-bench.ts). Like the other entries, this one picks the database (a bench
// database on the PostgreSQL server when one answers, dropped after; else the embedded engine in a
// temporary folder) and loads the studio's server code through Vite. No Redis: search reads only
// the database.
import { chooseDatabase } from './bench-database.mjs';
import { runStudioBench } from './run-studio-bench.mjs';

process.env.LOG_LEVEL ??= 'warn';
delete process.env.REDIS_URL;
const database = await chooseDatabase();
// Whatever hangs, the run ends (and drops its database) instead of waiting forever.
setTimeout(async () => {
	console.error('library search bench: gave up after 20 minutes');
	await database.drop().catch(() => {});
	process.exit(1);
}, 1_200_000).unref();
await runStudioBench('/bench/library-search-bench.ts', { database: database.description }, () =>
	database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`))
);
