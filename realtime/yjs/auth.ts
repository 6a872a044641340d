// Who is on the other end of a draft socket: the session cookie of the upgrade request, then the
// app's own rule (drafts/draftAccess: membership, role, private prompts). realtime/ owns no users.
import type { IncomingMessage } from 'node:http';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth';
import { draftAccess, type DraftAccess } from '$lib/server/drafts';

export type Authorisation =
	| { ok: true; userId: string; username: string; access: DraftAccess }
	| { ok: false; code: number; reason: string };

export type Authorise = (request: IncomingMessage, promptId: string) => Promise<Authorisation>;

function sessionToken(request: IncomingMessage): string | null {
	for (const part of (request.headers.cookie ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim()) || null;
	}
	return null;
}

/**
 * A browser page on another site must not open a socket with our cookie. SameSite=Lax keeps the
 * cookie off cross-site sockets already; this also refuses a foreign Origin outright. Clients that
 * are not browsers send no Origin.
 */
function sameOrigin(request: IncomingMessage): boolean {
	const origin = request.headers.origin;
	if (!origin) return true;
	let host: string;
	try {
		host = new URL(origin).host;
	} catch {
		return false;
	}
	const forwarded = request.headers['x-forwarded-host'];
	const hosts = [request.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])];
	return hosts.some((candidate) => candidate?.split(',')[0]?.trim() === host);
}

export const authoriseBySession: Authorise = async (request, promptId) => {
	if (!sameOrigin(request)) return { ok: false, code: YJS_CLOSE.forbidden, reason: 'This page may not open that draft.' };
	const token = sessionToken(request);
	if (!token) return { ok: false, code: YJS_CLOSE.unauthorized, reason: 'Sign in to edit this prompt.' };
	const { user } = await validateSessionToken(token);
	if (!user) return { ok: false, code: YJS_CLOSE.unauthorized, reason: 'Your session has ended. Sign in again.' };
	const access = await draftAccess(user.id, promptId);
	if (!access) return { ok: false, code: YJS_CLOSE.forbidden, reason: 'You do not have access to this prompt.' };
	return { ok: true, userId: user.id, username: user.username, access };
};
