// Global set-up of the integration project: one database of its own per run, migrated from zero,
// handed to the tests as DATABASE_URL, and dropped at the end; Redis keys under a prefix of the run's
// own. With no PostgreSQL server it says so loudly and points the app at an embedded data folder;
// under CI (CI set) a missing PostgreSQL or Redis fails the run instead, since the tests that need
// them would be skipped. The studios that tests start run the production build, made current here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/lib/server/db/connect';
import { applyMigrations } from '../../src/lib/server/db/migrate';
import { adminUrl, probePostgres, probeRedis, redact, redisUrl, withDatabase } from './services';
import { deleteKeysWithPrefix } from '../helpers/redis-keys.mjs';
import { build } from '../../scripts/build.mjs';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The variables every integration test file starts with (see integration-env.ts). */
		testEnv: Record<string, string>;
		testDatabase: 'postgres' | 'embedded';
	}
}

const PREFIX = 'cts_test_';
/** Databases a crashed run left behind are dropped by the next run once they are this old. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

function loud(lines: string[]) {
	const bar = '!'.repeat(78);
	console.warn(['', bar, ...lines.map((line) => `!!! ${line}`), bar, ''].join('\n'));
}

function runId(): string {
	return `${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

async function dropStaleDatabases(client: pg.Client) {
	const { rows } = await client.query<{ datname: string }>(
		`select datname from pg_database where datname like $1`,
		[`${PREFIX}%`]
	);
	for (const { datname } of rows) {
		const createdAt = Number(datname.slice(PREFIX.length).split('_')[0]);
		if (Number.isFinite(createdAt) && Date.now() - createdAt > STALE_AFTER_MS) {
			await client.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
		}
	}
}

async function migrate(target: Parameters<typeof openDatabase>[0]): Promise<string[]> {
	const db = await openDatabase(target);
	try {
		return await applyMigrations(db);
	} finally {
		await db.close();
	}
}

async function redisTeardown(url: string, prefix: string) {
	const { Redis } = await import('ioredis');
	const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
	try {
		await redis.connect();
		await deleteKeysWithPrefix(redis, prefix);
	} finally {
		redis.disconnect();
	}
}

/** Under CI a service the suite needs must answer: a fallback would skip the tests that need it. */
function requiredUnderCi(problem: string | null) {
	if (problem && process.env.CI) {
		throw new Error(`${problem} (CI is set: every integration test must run against the real services, so the run stops here)`);
	}
}

export default async function setup(project: TestProject) {
	const id = runId();
	const postgresProblem = await probePostgres(adminUrl());
	requiredUnderCi(postgresProblem && `no PostgreSQL server answered at ${redact(adminUrl())} (${postgresProblem})`);
	requiredUnderCi(process.env.CTS_TEST_DATABASE === 'embedded' ? 'CTS_TEST_DATABASE=embedded chose the embedded engine' : null);
	// Studios are started as `node server.js` from build/ (tests/helpers/app-server.ts).
	build({ log: (line) => console.log(`integration: ${line}`) });
	const env: Record<string, string> = {
		NODE_ENV: 'test',
		LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
		REDIS_PREFIX: `cts_test_${id}`,
		// Every test signs its people up from 127.0.0.1: the per-address sign-up limit would stop the
		// run after a few. auth-throttles.test.ts starts a studio with a small one of its own.
		SIGNUP_MAX_PER_ADDRESS: '1000000'
	};
	const teardowns: Array<() => Promise<void>> = [];
	const kind = process.env.CTS_TEST_DATABASE === 'embedded' ? 'embedded' : 'postgres';
	const admin = adminUrl();

	if (kind === 'postgres') {
		const database = `${PREFIX}${id}`;
		const url = withDatabase(admin, database);
		await withAdmin(admin, async (client) => {
			await dropStaleDatabases(client);
			await client.query(`create database "${database}"`);
		});
		teardowns.push(() =>
			withAdmin(admin, (client) => client.query(`drop database if exists "${database}" with (force)`)).then(() => {})
		);
		const applied = await migrate({ kind: 'postgres', url });
		env.DATABASE_URL = url;
		console.log(`integration: PostgreSQL database ${redact(url)} (migrations applied: ${applied.join(', ') || 'none'})`);
	} else {
		const why = await probePostgres(admin);
		const dataDir = await mkdtemp(join(tmpdir(), 'cts-test-data-'));
		teardowns.push(() => rm(dataDir, { recursive: true, force: true }));
		await migrate({ kind: 'embedded', dataDir: join(dataDir, 'pglite') });
		env.DATA_DIR = dataDir;
		loud([
			why
				? `NO POSTGRESQL SERVER answered at ${redact(admin)} (${why}).`
				: `CTS_TEST_DATABASE=embedded: PostgreSQL at ${redact(admin)} is NOT used.`,
			'The integration suite runs on the EMBEDDED engine (PGlite) instead, one file at a time,',
			`with DATA_DIR=${dataDir}. Tests that need a PostgreSQL server are skipped and counted.`,
			'Start PostgreSQL (or set TEST_DATABASE_URL) to run them against the real server.'
		]);
	}

	const redis = redisUrl();
	const redisProblem = await probeRedis(redis);
	requiredUnderCi(redisProblem && `no Redis answered at ${redis} (${redisProblem})`);
	if (redisProblem) {
		loud([
			`NO REDIS answered at ${redis} (${redisProblem}).`,
			'REDIS_URL stays unset: the app uses its in-process fallbacks, and Redis-backed behaviour is not tested.'
		]);
	} else {
		env.REDIS_URL = redis;
		teardowns.push(() => redisTeardown(redis, env.REDIS_PREFIX!));
	}

	// Workers inherit the main process's environment; the provided context covers any that do not.
	if (kind === 'embedded') delete process.env.DATABASE_URL;
	Object.assign(process.env, env);
	project.provide('testEnv', env);
	project.provide('testDatabase', kind);

	return async () => {
		for (const teardown of teardowns.reverse()) {
			await teardown().catch((error: Error) => console.error(`integration teardown: ${error.message}`));
		}
	};
}
