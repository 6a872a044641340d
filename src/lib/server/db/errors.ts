/** Prisma's P2002: a unique index refused the write (a name taken, a race lost). */
export function isUniqueViolation(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/** What a page, the API and the health check say while PostgreSQL cannot be reached. */
export const DATABASE_UNREACHABLE_MESSAGE = 'The database is unreachable right now. The studio keeps trying; please try again in a moment.';
/** How long a client is told to wait (Retry-After) before asking again while the database is out of reach. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Prisma's codes for a server it cannot reach, a lost connection, or no pooled connection in time. */
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** The driver adapter's kinds for the same (@prisma/adapter-pg maps socket errors to these). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
/** node-postgres throws plain Errors when a connection dies or cannot be had; Prisma passes them on as they are. */
const DRIVER_MESSAGES = /^(Connection terminated|Connection ended|Client has encountered a connection error|timeout exceeded when trying to connect|Can't reach database server)/i;
/** PostgreSQL's own: class 08 (connection exception), 57P01-57P03 (shutting down, cannot connect now). */
const SERVER_CODES = /^(08\w{3}|57P0[1-3])$/;

/**
 * Whether `error` came from the database's own stack: Prisma passes on what it throws with its
 * clientVersion (its own errors and the driver's raw ones alike), and the pg driver adapter names
 * its errors DriverAdapterError.
 */
function fromDatabaseStack(e: { clientVersion?: unknown; name?: unknown }): boolean {
	return typeof e.clientVersion === 'string' || e.name === 'DriverAdapterError' || (typeof e.name === 'string' && e.name.startsWith('PrismaClient'));
}

/**
 * Whether `error` (from Prisma, its pg adapter or pg itself, wrapped or not) means the database
 * could not be reached, as opposed to a query that failed: the first is a 503 and passes, the
 * second is a bug. A bare network code (ECONNREFUSED, ENOTFOUND…) says only that some connection
 * failed: it counts when the database's stack reported it, never otherwise — a benchmark download
 * or a model server that cannot be reached (fetch's "fetch failed", its cause a socket error) is
 * not a database outage and must not be answered as one.
 */
export function isDatabaseUnreachable(error: unknown, depth = 0, viaDatabase = false): boolean {
	if (!error || typeof error !== 'object' || depth > 5) return false;
	const e = error as { name?: unknown; clientVersion?: unknown; code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
	const database = viaDatabase || fromDatabaseStack(e);
	if (typeof e.code === 'string' && (PRISMA_CONNECTION_CODES.has(e.code) || SERVER_CODES.test(e.code) || (database && SOCKET_CODES.has(e.code)))) return true;
	if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
	if (typeof e.originalCode === 'string' && SERVER_CODES.test(e.originalCode)) return true;
	if (typeof e.message === 'string' && DRIVER_MESSAGES.test(e.message)) return true;
	// Prisma keeps the adapter's error in meta (a raw query's P2010, say), the adapter its kind in cause.
	return isDatabaseUnreachable(e.cause, depth + 1, database) || isDatabaseUnreachable(e.meta?.driverAdapterError, depth + 1, database);
}
