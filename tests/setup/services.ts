// Finds out which test services answer on this machine: the PostgreSQL server that integration
// tests get a database of their own on, and Redis. Used by vitest.config.ts (to choose the pool)
// and by the global set-up (to create the database), so both take the same decision.
import { connect } from 'node:net';
import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The admin connection (any existing database) on which test databases are created and dropped. */
export function adminUrl(): string {
	return process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
}

export function redisUrl(): string {
	return process.env.TEST_REDIS_URL || DEFAULT_REDIS_URL;
}

/** The same server and credentials as `url`, another database. */
export function withDatabase(url: string, database: string): string {
	const next = new URL(url);
	next.pathname = `/${database}`;
	return next.toString();
}

/** Host and database of a URL, never its password. */
export function redact(url: string): string {
	const parsed = new URL(url);
	return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** null when the server answers `select 1`; otherwise why not. */
export async function probePostgres(url: string, timeoutMs = 3000): Promise<string | null> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
	try {
		await client.connect();
		await client.query('select 1');
		return null;
	} catch (error) {
		return (error as Error).message || String(error);
	} finally {
		await client.end().catch(() => {});
	}
}

/** null when Redis answers PING with PONG; otherwise why not. */
export function probeRedis(url: string, timeoutMs = 2000): Promise<string | null> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
		const done = (reason: string | null) => {
			socket.destroy();
			resolve(reason);
		};
		socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
		socket.once('error', (error) => done(error.message));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? null : `answered ${data.toString().trim()}`));
	});
}
