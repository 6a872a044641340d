// `npm run bench`, last part: the load bench (bench/load-bench.ts). Like the others, this entry picks
// the database (a bench database on the PostgreSQL server when one answers, else the embedded engine)
// and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379, under a key prefix of this run's own),
// builds the studio when its build is stale (scripts/setup.mjs --build: the instances are
// `node server.js`), and loads the studio's server code through Vite to set up users and prompts.
//   node bench/load.mjs [--editors 1000] [--prompts 100] [--viewers 1000] [--seconds 30]
//                       [--instances 1,3] [--viewer-sessions 10] [--run-sessions 5]
//                       [--editor-threads 2] [--redis-for-one] [--no-reference]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chooseRedis } from './bench-redis.mjs';
import { chooseDatabase } from './bench-database.mjs';
import { snapshotBuild } from './load-processes.mjs';
import { root, runStudioBench } from './run-studio-bench.mjs';

const { values } = parseArgs({
	options: {
		editors: { type: 'string', default: '1000' },
		prompts: { type: 'string', default: '100' },
		viewers: { type: 'string', default: '1000' },
		seconds: { type: 'string', default: '30' },
		instances: { type: 'string', default: '1,3' },
		'viewer-sessions': { type: 'string', default: '10' },
		'run-sessions': { type: 'string', default: '5' },
		'editor-threads': { type: 'string', default: '2' },
		'redis-for-one': { type: 'boolean', default: false },
		'no-reference': { type: 'boolean', default: false }
	}
});
const positive = (name) => {
	const value = Number(values[name]);
	if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${values[name]}`);
	return value;
};
const options = {
	editors: positive('editors'),
	prompts: Math.max(1, positive('prompts')),
	viewers: positive('viewers'),
	seconds: Math.max(1, positive('seconds')),
	instances: values.instances.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0),
	viewerSessions: Math.max(1, positive('viewer-sessions')),
	runSessions: positive('run-sessions'),
	editorThreads: Math.max(1, positive('editor-threads')),
	redisForOne: values['redis-for-one'],
	reference: !values['no-reference']
};

const setup = execFileSync(process.execPath, [join(root, 'scripts/setup.mjs'), '--build'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (setup.includes('building the studio')) console.log('load bench: the studio was built (its sources were newer than the build)');

process.env.LOG_LEVEL ??= 'warn';
// The stage makes its prompts and sessions through the services as one owner: past an account's
// hourly budget (creation-budget.ts), which is not what this measures.
process.env.CREATE_PROMPTS_PER_HOUR ??= '1000000';
process.env.OPEN_SESSIONS_PER_HOUR ??= '1000000';
process.env.CREATE_WORKSPACES_PER_HOUR ??= '1000000';
const database = await chooseDatabase();
if (!process.env.DATABASE_URL) {
	// The embedded engine belongs to one process; the studios and this process all need the database.
	console.log(`\nLoad bench skipped: it needs a PostgreSQL server that several processes share, and got ${database.description}`);
	await database.drop().catch(() => {});
	process.exit(0);
}
const redis = await chooseRedis({ uses: "the three studios' socket.io adapter, draft updates across instances, run limits", without: 'the three-studio measurement is skipped' });
// The studios get Redis by their own environment; this process, which only sets up users and
// prompts, keeps out of it (a draft it wrote must not join the studios' cross-instance traffic).
const redisForStudios = process.env.REDIS_URL ? { url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX, description: redis.description } : null;
delete process.env.REDIS_URL;
delete process.env.REDIS_PREFIX;
if (!redisForStudios) options.instances = options.instances.filter((n) => n === 1);
const build = snapshotBuild(root);

// Every client holds a socket in this process and another in a server: a soft limit of 1024 open
// files (a common default) is too few. Node cannot raise it; say so before connections fail.
const openFiles = Number(readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m)?.[1] ?? Infinity);
const sockets = options.editors + options.viewers + options.runSessions + 100;
if (openFiles < sockets) console.warn(`load bench: the open-files limit is ${openFiles}, the clients need about ${sockets}: run \`ulimit -n ${sockets * 2}\` first`);

setTimeout(async () => {
	console.error('load bench: gave up after 20 minutes');
	await redis.drop().catch(() => {});
	await database.drop().catch(() => {});
	build.remove();
	process.exit(1);
}, 1_200_000).unref();
await runStudioBench('/bench/load-bench.ts', { ...options, root, serverDir: build.dir, database: database.description, redis: redisForStudios }, async () => {
	build.remove();
	await redis.drop().catch((error) => console.error(`could not clear the bench's Redis keys: ${error.message}`));
	await database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`));
});
