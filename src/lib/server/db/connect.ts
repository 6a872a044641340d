// Opens the studio's database: PostgreSQL through @prisma/adapter-pg when a URL is given, else an
// embedded PostgreSQL (PGlite) kept in a data folder. Both hand out one PrismaClient and the driver
// adapter factory that the migrator needs.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { keepPrivate } from '../private-files.ts';
import { PrismaClient } from './generated/client.ts';

export type DatabaseTarget =
	| { kind: 'postgres'; url: string }
	/** `dataDir: null` keeps the embedded database in memory (tests). */
	| { kind: 'embedded'; dataDir: string | null };

export interface MigrationConnection {
	adapterFactory: SqlMigrationAwareDriverAdapterFactory;
	release(): Promise<void>;
}

export interface Database {
	prisma: PrismaClient;
	target: DatabaseTarget;
	/**
	 * A connection for the schema engine. On PostgreSQL it is a pool of its own, closed afterwards:
	 * the engine takes Prisma's session-level advisory lock and never unlocks it, so on a shared pool
	 * the lock would outlive the migration on an idle connection and stall the next migrator.
	 */
	openMigrationConnection(): MigrationConnection;
	close(): Promise<void>;
}

/** How long opening one PostgreSQL connection may take. */
const CONNECT_TIMEOUT_MS = 10_000;

export function describeTarget(target: DatabaseTarget): string {
	if (target.kind === 'embedded') return `embedded PostgreSQL (PGlite) in ${target.dataDir ?? 'memory'}`;
	const url = new URL(target.url);
	url.password = url.password ? '***' : '';
	return `PostgreSQL at ${url.host}${url.pathname}`;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
	if (target.kind === 'postgres') {
		// A server that stops answering (not refusing) must not hold a request forever: a new
		// connection that takes longer than this fails, and the request answers 503 (db/errors.ts).
		const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }) });
		return {
			prisma,
			target,
			openMigrationConnection() {
				const pool = new pg.Pool({ connectionString: target.url, max: 1 });
				return { adapterFactory: new PrismaPg(pool), release: () => pool.end() };
			},
			close: () => prisma.$disconnect()
		};
	}
	// The database's files hold every password hash and session: private to the studio's user.
	if (target.dataDir) await keepPrivate(target.dataDir);
	const pglite = new PGlite(target.dataDir ?? undefined);
	await pglite.waitReady;
	if (target.dataDir) await keepPrivate(target.dataDir);
	const adapterFactory = new PrismaPGlite(pglite);
	const prisma = new PrismaClient({ adapter: adapterFactory });
	return {
		prisma,
		target,
		// PGlite is one connection in this process; closing the database is what releases it.
		openMigrationConnection: () => ({ adapterFactory, release: async () => {} }),
		async close() {
			await prisma.$disconnect();
			await pglite.close();
		}
	};
}
