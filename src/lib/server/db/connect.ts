// Opens the studio's database: PostgreSQL through @prisma/adapter-pg when a URL is given, else an
// embedded PostgreSQL (PGlite) kept in a data folder. Both hand out one PrismaClient and the driver
// adapter factory that the migrator needs.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.ts';

export type DatabaseTarget =
	| { kind: 'postgres'; url: string }
	/** `dataDir: null` keeps the embedded database in memory (tests). */
	| { kind: 'embedded'; dataDir: string | null };

export interface Database {
	prisma: PrismaClient;
	target: DatabaseTarget;
	adapterFactory: SqlMigrationAwareDriverAdapterFactory;
	close(): Promise<void>;
}

export function describeTarget(target: DatabaseTarget): string {
	if (target.kind === 'embedded') return `embedded PostgreSQL (PGlite) in ${target.dataDir ?? 'memory'}`;
	const url = new URL(target.url);
	url.password = url.password ? '***' : '';
	return `PostgreSQL at ${url.host}${url.pathname}`;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
	if (target.kind === 'postgres') {
		const adapterFactory = new PrismaPg({ connectionString: target.url });
		const prisma = new PrismaClient({ adapter: adapterFactory });
		return { prisma, target, adapterFactory, close: () => prisma.$disconnect() };
	}
	if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
	const pglite = new PGlite(target.dataDir ?? undefined);
	await pglite.waitReady;
	const adapterFactory = new PrismaPGlite(pglite);
	const prisma = new PrismaClient({ adapter: adapterFactory });
	return {
		prisma,
		target,
		adapterFactory,
		async close() {
			await prisma.$disconnect();
			await pglite.close();
		}
	};
}
