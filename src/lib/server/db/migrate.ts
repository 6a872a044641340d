// Applies prisma/migrations (Prisma's own folder format, so `prisma migrate deploy` reads the same
// files) through the WebAssembly schema engine. Applied migrations are recorded in
// _prisma_migrations and never run twice; on PostgreSQL the engine holds Prisma's advisory lock
// while it applies, so two instances that start together do not race.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { Database } from './connect.ts';
import { openSchemaEngine } from './schema-engine.ts';

export const PRISMA_DIR = resolve(process.env.PRISMA_DIR ?? 'prisma');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationList> {
	const lockfileName = 'migration_lock.toml';
	const lockfile = await readFile(join(dir, lockfileName), 'utf8').catch(() => null);
	const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
	const migrationDirectories = await Promise.all(
		entries
			.filter((entry) => entry.isDirectory())
			.map(async (entry) => ({
				path: entry.name,
				migrationFile: {
					path: 'migration.sql',
					content: await readFile(join(dir, entry.name, 'migration.sql'), 'utf8').then(
						(value) => ({ tag: 'ok' as const, value }),
						(error: Error) => ({ tag: 'error' as const, value: error.message })
					)
				}
			}))
	);
	migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
	return { baseDir: dir, lockfile: { path: lockfileName, content: lockfile }, shadowDbInitScript: '', migrationDirectories };
}

export const NO_FILTER = { externalTables: [], externalEnums: [] };

/** A schema engine on its own connection to `db`; call `close` when done. */
export async function openEngineFor(db: Database, onLog?: (line: string) => void) {
	const connection = db.openMigrationConnection();
	try {
		const schemaText = await readFile(SCHEMA_PATH, 'utf8');
		const engine = await openSchemaEngine(SCHEMA_PATH, schemaText, connection.adapterFactory, onLog);
		return {
			engine,
			async close() {
				engine.free();
				await connection.release();
			}
		};
	} catch (error) {
		await connection.release();
		throw error;
	}
}

/** Applies every migration not yet recorded; returns the names it applied (empty when current). */
export async function applyMigrations(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
	const { engine, close } = await openEngineFor(db);
	try {
		const { appliedMigrationNames } = await engine.applyMigrations({
			migrationsList: await readMigrations(dir),
			filters: NO_FILTER
		});
		return appliedMigrationNames;
	} finally {
		await close();
	}
}
