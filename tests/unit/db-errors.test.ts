// Which failures mean "the database cannot be reached" (a 503 that passes) and which are a query
// that failed (a bug, a 500): the shapes below are those Prisma 7, @prisma/adapter-pg and pg throw.
// A network failure elsewhere (a benchmark download, a model server) is never the database's.
import { describe, expect, it } from 'vitest';
import { isDatabaseUnreachable, isUniqueViolation } from '$lib/server/db/errors';
import { databaseUnreachableError } from '$lib/server/http';

const withClientVersion = (message: string) => Object.assign(new Error(message), { clientVersion: '7.10.1' });
const prismaKnown = (code: string, meta?: unknown) => Object.assign(new Error(`Invalid invocation (${code})`), { name: 'PrismaClientKnownRequestError', code, meta, clientVersion: '7.10.1' });
const socketError = (code: string, port = 5432) => Object.assign(new Error(`connect ${code} 127.0.0.1:${port}`), { code, errno: -111, syscall: 'connect', address: '127.0.0.1', port });
/** What Node's fetch throws when it cannot connect: a TypeError whose cause is the socket's error. */
const fetchFailed = (cause: Error) => new TypeError('fetch failed', { cause });
const unresolved = (host: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host });

describe('isDatabaseUnreachable', () => {
	it.each([
		['pg: a connection that died, passed on by Prisma as a plain Error', withClientVersion('Connection terminated unexpectedly')],
		['pg: no connection within the connect timeout', new Error('timeout exceeded when trying to connect')],
		['a raw query whose adapter saw the connection close (P2010, kind in meta)', prismaKnown('P2010', { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } } })],
		['a model query whose server closed the connection (P1017)', prismaKnown('P1017')],
		["Prisma's can't-reach-server (P1001)", prismaKnown('P1001')],
		['no pooled connection in time (P2024)', prismaKnown('P2024')],
		['a refused connection, as the adapter wraps it', Object.assign(new Error('DatabaseNotReachable'), { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } })],
		['a refused connection that Prisma passed on as the driver threw it', Object.assign(socketError('ECONNREFUSED'), { clientVersion: '7.10.1' })],
		['a reset connection in the cause of an error Prisma passed on', Object.assign(new Error('query failed', { cause: socketError('ECONNRESET') }), { clientVersion: '7.10.1' })],
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
		['a string', 'Connection terminated unexpectedly'],
		['a benchmark download whose host refused the connection (fetch failed, ECONNREFUSED)', fetchFailed(socketError('ECONNREFUSED', 443))],
		['a benchmark host whose name does not resolve (fetch failed, ENOTFOUND)', fetchFailed(unresolved('datasets-server.huggingface.co'))],
		['a model server that reset the connection (fetch failed, ECONNRESET)', fetchFailed(socketError('ECONNRESET', 8080))],
		['a socket error of another service, bare', socketError('ECONNREFUSED', 6379)]
	])('not %s', (_, error) => {
		expect(isDatabaseUnreachable(error)).toBe(false);
	});

	it('is not fooled by a cycle of causes', () => {
		const error = new Error('outer') as Error & { cause?: unknown };
		error.cause = error;
		expect(isDatabaseUnreachable(error)).toBe(false);
	});

	it('a failed download that reaches handleError is not answered as a database outage', () => {
		const event = { locals: {}, request: new Request('http://studio.test/w/x/prompts/y/evaluations?/start', { method: 'POST' }), url: new URL('http://studio.test/w/x/prompts/y/evaluations') };
		expect(databaseUnreachableError(fetchFailed(unresolved('datasets-server.huggingface.co')), event as never)).toBeNull();
		expect(databaseUnreachableError(prismaKnown('P1001'), event as never)).toMatchObject({ status: 503 });
	});

	it('leaves isUniqueViolation as it was', () => {
		expect(isUniqueViolation(prismaKnown('P2002'))).toBe(true);
		expect(isUniqueViolation(prismaKnown('P1017'))).toBe(false);
	});
});
