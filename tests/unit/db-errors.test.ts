// Which failures mean "the database cannot be reached" (a 503 that passes) and which are a query
// that failed (a bug, a 500): the shapes below are those Prisma 7, @prisma/adapter-pg and pg throw.
import { describe, expect, it } from 'vitest';
import { isDatabaseUnreachable, isUniqueViolation } from '$lib/server/db/errors';

const withClientVersion = (message: string) => Object.assign(new Error(message), { clientVersion: '7.10.1' });
const prismaKnown = (code: string, meta?: unknown) => Object.assign(new Error(`Invalid invocation (${code})`), { name: 'PrismaClientKnownRequestError', code, meta, clientVersion: '7.10.1' });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('isDatabaseUnreachable', () => {
	it.each([
		['pg: a connection that died, passed on by Prisma as a plain Error', withClientVersion('Connection terminated unexpectedly')],
		['pg: no connection within the connect timeout', new Error('timeout exceeded when trying to connect')],
		['a raw query whose adapter saw the connection close (P2010, kind in meta)', prismaKnown('P2010', { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } } })],
		['a model query whose server closed the connection (P1017)', prismaKnown('P1017')],
		["Prisma's can't-reach-server (P1001)", prismaKnown('P1001')],
		['no pooled connection in time (P2024)', prismaKnown('P2024')],
		['a refused connection, as the adapter wraps it', Object.assign(new Error('DatabaseNotReachable'), { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } })],
		['a refused connection, bare', socketError('ECONNREFUSED')],
		['a reset connection, wrapped in a cause', new Error('query failed', { cause: socketError('ECONNRESET') })],
		['PostgreSQL shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' })],
		['PostgreSQL starting up (57P03), as the adapter passes it on', Object.assign(new Error('the database system is starting up'), { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '57P03' } })]
	])('%s', (_, error) => {
		expect(isDatabaseUnreachable(error)).toBe(true);
	});

	it.each([
		['a unique violation (P2002)', prismaKnown('P2002')],
		['a record not found (P2025)', prismaKnown('P2025')],
		['a syntax error in SQL (42601)', prismaKnown('P2010', { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '42601' } } })],
		['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
		['nothing at all', undefined],
		['a string', 'Connection terminated unexpectedly']
	])('not %s', (_, error) => {
		expect(isDatabaseUnreachable(error)).toBe(false);
	});

	it('is not fooled by a cycle of causes', () => {
		const error = new Error('outer') as Error & { cause?: unknown };
		error.cause = error;
		expect(isDatabaseUnreachable(error)).toBe(false);
	});

	it('leaves isUniqueViolation as it was', () => {
		expect(isUniqueViolation(prismaKnown('P2002'))).toBe(true);
		expect(isUniqueViolation(prismaKnown('P1017'))).toBe(false);
	});
});
