// The studio's one database handle. Opened lazily (a build must never touch a database), migrated
// before first use, and kept by the runtime so that every module graph in the process (Vite may load
// server code twice in dev) shares it: two PGlite instances on one folder would corrupt it.
import { resolve } from 'node:path';
import { config } from '../config';
import { logger } from '../logger';
import { slot } from '../runtime';
import { describeTarget, openDatabase, type Database, type DatabaseTarget } from './connect';
import { applyMigrations } from './migrate';

export type { Database, DatabaseTarget } from './connect';
export { Prisma, type PrismaClient } from './generated/client';
export type { ReviewStatus, ReviewVerdict } from './generated/enums';
export { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNREACHABLE_MESSAGE, isDatabaseUnreachable, isUniqueViolation } from './errors';

export function configuredTarget(): DatabaseTarget {
	const { DATABASE_URL, DATA_DIR } = config();
	return DATABASE_URL
		? { kind: 'postgres', url: DATABASE_URL }
		: { kind: 'embedded', dataDir: resolve(DATA_DIR, 'pglite') };
}

async function openAndMigrate(target: DatabaseTarget): Promise<Database> {
	const db = await openDatabase(target);
	const applied = await applyMigrations(db);
	logger.info({ database: describeTarget(target), applied }, 'database ready');
	return db;
}

const handle = slot('database', () => {
	const opening = openAndMigrate(configuredTarget());
	// A failed open must not be cached: the next request tries again.
	opening.catch(() => {
		if (handle.peek() === opening) handle.clear();
	});
	return opening;
});

/** The database, opened and migrated on first call. */
export function database(): Promise<Database> {
	return handle();
}

/** Shorthand for services: the Prisma client of the one database. */
export async function prisma() {
	return (await database()).prisma;
}

export async function closeDatabase(): Promise<void> {
	const opened = handle.peek();
	handle.clear();
	if (opened) await (await opened).close();
}
