// `npm run bench`, after the load bench: the attack bench (bench/attack-bench.ts). Like the others,
// this entry picks the database (a bench database on the PostgreSQL server when one answers, dropped
// after; else the embedded engine in a temporary folder) and Redis (TEST_REDIS_URL, default
// redis://127.0.0.1:6379, under a key prefix of this run's own), builds the studio when its build is
// stale (scripts/build.mjs), copies the build, and loads the studio's server code through Vite to set
// up the team, its prompts and sessions.
//   node bench/attack.mjs [--seconds 10] [--settle 10] [--attacks step1,awareness,diff,plugin,socketio,signin] [--no-build]
// --seconds: length of each attack (and of the idle and floor rows); --settle: how long after an
// attack its memory is read again (default: --seconds, at most 10); --no-build: the build as it is.
import { parseArgs } from 'node:util';
import { build } from '../scripts/build.mjs';
import { chooseRedis } from './bench-redis.mjs';
import { chooseDatabase } from './bench-database.mjs';
import { snapshotBuild } from './load-processes.mjs';
import { root, runStudioBench } from './run-studio-bench.mjs';

const KINDS = ['step1', 'awareness', 'diff', 'plugin', 'socketio', 'signin'];
const { values } = parseArgs({
	options: {
		seconds: { type: 'string', default: '10' },
		settle: { type: 'string' },
		attacks: { type: 'string', default: KINDS.join(',') },
		'no-build': { type: 'boolean', default: false }
	}
});
const number = (name, value) => {
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number of seconds, not ${value}`);
	return n;
};
const seconds = Math.max(1, number('seconds', values.seconds));
const settle = values.settle === undefined ? Math.min(10, seconds) : number('settle', values.settle);
const attacks = values.attacks.split(',').map((kind) => kind.trim()).filter(Boolean);
for (const kind of attacks) if (!KINDS.includes(kind)) throw new Error(`--attacks: no attack called ${kind} (there are ${KINDS.join(', ')})`);

if (!values['no-build'] && build({ log: () => console.log('attack bench: a source is newer than the build; building the studio') })) console.log('attack bench: built');

process.env.LOG_LEVEL ??= 'warn';
const database = await chooseDatabase();
const redis = await chooseRedis({ uses: "the studio's sign-in, run and API limits and its socket.io adapter", without: "limits counted in the studio's memory" });
const copy = snapshotBuild(root);
// Whatever hangs, the run ends (and cleans up what it can) instead of waiting forever.
setTimeout(async () => {
	console.error('attack bench: gave up after 15 minutes');
	copy.remove();
	await redis.drop().catch(() => {});
	await database.drop().catch(() => {});
	process.exit(1);
}, 900_000).unref();
await runStudioBench('/bench/attack-bench.ts', { root, serverDir: copy.dir, database: database.description, redis: redis.description, seconds, settle, attacks }, async () => {
	copy.remove();
	await redis.drop().catch((error) => console.error(`could not clear the bench's Redis keys: ${error.message}`));
	await database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`));
});
