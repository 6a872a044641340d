// The app's own database handle for integration tests: the run's PostgreSQL database (or the embedded
// one), already migrated by the global set-up. Tests reach Prisma the way services do.
import { inject } from 'vitest';
import { closeDatabase, database, prisma } from '$lib/server/db';

export { closeDatabase, database, prisma };

/** Which engine this run's integration tests are on (see tests/setup/integration-global.ts). */
export function testDatabaseKind(): 'postgres' | 'embedded' {
	return inject('testDatabase');
}

/** True when the run has a PostgreSQL server; tests that need one use `it.runIf(hasPostgres())`. */
export function hasPostgres(): boolean {
	return testDatabaseKind() === 'postgres';
}

/** The run's database URL on the PostgreSQL server (undefined on the embedded engine). */
export function testDatabaseUrl(): string | undefined {
	return inject('testEnv').DATABASE_URL;
}
