// Who is on the other end of a socket's opening request, for both live transports: the session
// cookie it carries, and whether it comes from our own pages.
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '$lib/server/auth';
import { config } from '$lib/server/config';

/** What a session token looks like (auth/session.ts: base32, lower case, no padding). */
const TOKEN_SHAPE = /^[a-z2-7]{1,128}$/;

/**
 * The session token the request's cookie carries, or null. A cookie anyone can write: one that is
 * not a token's shape (a malformed %-escape included) is no session, never a failure of the socket.
 */
export function sessionToken(request: IncomingMessage): string | null {
	for (const part of (request.headers.cookie ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
		let value: string;
		try {
			value = decodeURIComponent(part.slice(eq + 1).trim());
		} catch {
			return null;
		}
		return TOKEN_SHAPE.test(value) ? value : null;
	}
	return null;
}

/**
 * A browser page on another site must not open a socket with our cookie. SameSite=Lax keeps the
 * cookie off cross-site sockets already; this also refuses a foreign Origin outright. Clients that
 * are not browsers send no Origin. A forwarded host counts only when HOST_HEADER names it (behind
 * a proxy that sets it): otherwise any client could write one to match its Origin.
 */
export function sameOrigin(request: IncomingMessage, hostHeader: string | null = config().HOST_HEADER ?? null): boolean {
	const origin = request.headers.origin;
	if (!origin) return true;
	let host: string;
	try {
		host = new URL(origin).host;
	} catch {
		return false;
	}
	const forwarded = hostHeader ? request.headers[hostHeader] : undefined;
	const hosts = [request.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])];
	return hosts.some((candidate) => candidate?.split(',')[0]?.trim() === host);
}
