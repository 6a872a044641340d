// The studio's database layer on both engines it runs on: the embedded one (PGlite, a fresh machine's
// default) and a PostgreSQL server. Every test opens databases of its own; none touches the run's
// shared database, so the file runs beside any other.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseTarget } from '$lib/server/db/connect';
import { NO_FILTER, SCHEMA_PATH, applyMigrations, openEngineFor, readMigrations } from '$lib/server/db/migrate';
import { hasPostgres } from '../helpers/db';
import { uniqueSlug } from '../helpers/unique';
import { adminUrl, withDatabase } from '../setup/services';

const migrationNames = async () => (await readMigrations()).migrationDirectories.map((entry) => entry.path);

/** Writes a model_cache row (a table with no foreign keys) and reads it back. */
async function roundTrip(db: Database) {
	const promptHash = uniqueSlug('p').padEnd(64, '0').slice(0, 64);
	const written = await db.prisma.modelCache.create({
		data: {
			modelName: 'gpt2-test',
			promptHash,
			parametersHash: 'a'.repeat(64),
			cachedOutput: { text: 'hello', tokens: ['hel', 'lo'] },
			expiresAt: new Date(Date.now() + 60_000)
		}
	});
	const read = await db.prisma.modelCache.findUniqueOrThrow({ where: { id: written.id } });
	expect(read).toMatchObject({ modelName: 'gpt2-test', promptHash, cachedOutput: { text: 'hello', tokens: ['hel', 'lo'] } });
	return read;
}

// ── fresh PostgreSQL databases of this file's own, dropped when it ends ──
const created: string[] = [];
async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: adminUrl() });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}
async function freshPostgres(): Promise<DatabaseTarget> {
	const name = `cts_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
	await admin((client) => client.query(`create database "${name}"`));
	created.push(name);
	return { kind: 'postgres', url: withDatabase(adminUrl(), name) };
}
afterAll(async () => {
	if (!created.length) return;
	await admin(async (client) => {
		for (const name of created) await client.query(`drop database if exists "${name}" with (force)`);
	});
});

const open: Database[] = [];
async function openTracked(target: DatabaseTarget) {
	const db = await openDatabase(target);
	open.push(db);
	return db;
}
afterAll(async () => {
	await Promise.all(open.map((db) => db.close().catch(() => {})));
});

/** Behaviour both engines must share, run once per engine. */
function migratesAndStores(target: () => Promise<DatabaseTarget>) {
	it('applies every migration once, a second apply applies nothing, and rows round-trip', async () => {
		const db = await openTracked(await target());
		expect(await applyMigrations(db)).toEqual(await migrationNames());
		expect(await applyMigrations(db)).toEqual([]);
		await roundTrip(db);
	});

	it('creates the plan tables under their names, with the model_cache key and the GIN index on tags', async () => {
		const db = await openTracked(await target());
		await applyMigrations(db);
		const tables = await db.prisma.$queryRaw<{ table_name: string }[]>`
			select table_name from information_schema.tables
			where table_schema = 'public' and table_type = 'BASE TABLE'`;
		expect(tables.map((row) => row.table_name)).toEqual(
			expect.arrayContaining(['prompt_library', 'prompt_versions', 'execution_history', 'model_cache'])
		);

		const indexes = await db.prisma.$queryRaw<{ tablename: string; indexdef: string }[]>`
			select tablename, indexdef from pg_indexes
			where schemaname = 'public' and tablename in ('model_cache', 'prompt_library')`;
		const defs = indexes.map((row) => row.indexdef.replace(/"/g, ''));
		expect(defs).toContainEqual(
			expect.stringMatching(/^CREATE UNIQUE INDEX \S+ ON (public\.)?model_cache USING btree \(model_name, prompt_hash, parameters_hash\)$/)
		);
		expect(defs).toContainEqual(expect.stringMatching(/^CREATE INDEX \S+ ON (public\.)?prompt_library USING gin \(tags\)$/));

		// The key is enforced, not only declared: the same (model, prompt, parameters) cannot be cached twice.
		const row = await roundTrip(db);
		await expect(
			db.prisma.modelCache.create({
				data: {
					modelName: row.modelName,
					promptHash: row.promptHash,
					parametersHash: row.parametersHash,
					cachedOutput: {},
					expiresAt: new Date()
				}
			})
		).rejects.toThrow(/unique/i);
	});
}

// PGlite is PostgreSQL in WebAssembly on one core: replaying every migration takes ~10 s alone and
// three times that on a loaded machine, so these are given room beyond the suite's 30 s.
describe('embedded database (PGlite) in memory', { timeout: 120_000 }, () => {
	migratesAndStores(async () => ({ kind: 'embedded', dataDir: null }));

	it('has no drift: the migrations, replayed from zero, give exactly prisma/schema.prisma', async () => {
		const db = await openTracked({ kind: 'embedded', dataDir: null });
		const { engine, close } = await openEngineFor(db);
		try {
			const { stdout } = await engine.diff({
				from: { tag: 'migrations', ...(await readMigrations()) },
				to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, 'utf8') }] },
				script: true,
				exitCode: null,
				filters: NO_FILTER
			});
			expect(stdout?.trim()).toBe('-- This is an empty migration.');
		} finally {
			await close();
		}
	});
});

describe('embedded database (PGlite) in a data folder', { timeout: 120_000 }, () => {
	it('keeps its migrations and rows across close and reopen', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'cts-test-pglite-'));
		try {
			const first = await openDatabase({ kind: 'embedded', dataDir });
			let id: string;
			try {
				expect(await applyMigrations(first)).toEqual(await migrationNames());
				id = (await roundTrip(first)).id;
			} finally {
				await first.close();
			}

			const second = await openDatabase({ kind: 'embedded', dataDir });
			try {
				expect(await applyMigrations(second)).toEqual([]);
				const row = await second.prisma.modelCache.findUnique({ where: { id } });
				expect(row?.cachedOutput).toEqual({ text: 'hello', tokens: ['hel', 'lo'] });
			} finally {
				await second.close();
			}
		} finally {
			await rm(dataDir, { recursive: true, force: true });
		}
	});
});

describe.runIf(hasPostgres())('PostgreSQL server, a fresh database', () => {
	migratesAndStores(freshPostgres);

	it('two instances migrating the same new database at once both succeed, and each migration is recorded once', async () => {
		const target = await freshPostgres();
		const [a, b] = await Promise.all([openTracked(target), openTracked(target)]);
		const [appliedByA, appliedByB] = await Promise.all([applyMigrations(a), applyMigrations(b)]);

		const names = await migrationNames();
		// Between them they applied each migration exactly once.
		expect([...appliedByA, ...appliedByB].sort()).toEqual(names);
		const recorded = await a.prisma.$queryRaw<{ migration_name: string; times: number }[]>`
			select migration_name, count(*)::int as times from _prisma_migrations
			where finished_at is not null and rolled_back_at is null
			group by migration_name order by migration_name`;
		expect(recorded).toEqual(names.map((migration_name) => ({ migration_name, times: 1 })));
		await roundTrip(b);
	});
});
