// What both benchmarks stand on: a database of the run's own (a bench database on the PostgreSQL
// server when one answers, dropped after; else the embedded engine in a temporary folder), set in
// the environment before the studio's code is loaded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function chooseDatabase() {
	const admin = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
	const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		const name = `cts_bench_${Date.now()}`;
		await client.query(`create database "${name}"`);
		const url = new URL(admin);
		url.pathname = `/${name}`;
		process.env.DATABASE_URL = url.toString();
		return {
			description: `PostgreSQL at ${url.host}/${name} (created for this run, dropped after)`,
			async drop() {
				await client.query(`drop database if exists "${name}" with (force)`);
				await client.end();
			}
		};
	} catch (error) {
		await client.end().catch(() => {});
		const dataDir = await mkdtemp(join(tmpdir(), 'cts-bench-'));
		delete process.env.DATABASE_URL;
		process.env.DATA_DIR = dataDir;
		return {
			description: `embedded PostgreSQL (PGlite) in ${dataDir} (no PostgreSQL server: ${error.message})`,
			drop: () => rm(dataDir, { recursive: true, force: true })
		};
	}
}
