// Sessions the way Lucia's current guidance for SvelteKit does them: the cookie holds a random
// token, the database holds only its SHA-256, and expiry slides forward while the user is active.
// Each session remembers the browser it began in and when it was last used, so that a person can
// tell their sessions apart on the account page.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Cookies } from '@sveltejs/kit';
import { prisma, type Prisma } from '../db';
import { emitEvent } from '../domain-events';

const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY_MS;
/** A session used within this long of its expiry is extended by a full TTL. */
const RENEW_WITHIN_MS = 15 * DAY_MS;
/** "Last seen" is written at most this often: not a database write on every request. */
export const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;
/** The User-Agent kept with a session is cut to this (the column's width). */
export const USER_AGENT_MAX = 256;
export const SESSION_COOKIE = 'auth-session';

type Transaction = Prisma.TransactionClient;

export interface SessionUser {
	id: string;
	username: string;
	/** The name the person chose to be shown by (presence, menus); null: their username is shown. */
	displayName: string | null;
	isSiteAdmin: boolean;
}

/** What a signed-in person is called where others see them: the display name, else the username. */
export const shownName = (user: Pick<SessionUser, 'username' | 'displayName'>) => user.displayName || user.username;

export interface AuthSession {
	id: string;
	userId: string;
	expiresAt: Date;
}

export type SessionValidation =
	| { session: AuthSession; user: SessionUser; renewed: boolean }
	| { session: null; user: null; renewed: false };

export function generateSessionToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(20));
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** A new session for the token; `userAgent` is the browser's, as its request said (kept cut short). */
export async function createSession(token: string, userId: string, userAgent = ''): Promise<AuthSession> {
	const db = await prisma();
	const session = { id: sessionIdFromToken(token), userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) };
	await db.session.create({ data: { ...session, userAgent: userAgent.slice(0, USER_AGENT_MAX) } });
	return session;
}

export async function validateSessionToken(token: string): Promise<SessionValidation> {
	const db = await prisma();
	const id = sessionIdFromToken(token);
	const row = await db.session.findUnique({
		where: { id },
		include: { user: { select: { id: true, username: true, displayName: true, isSiteAdmin: true } } }
	});
	if (!row) return { session: null, user: null, renewed: false };
	const now = Date.now();
	if (now >= row.expiresAt.getTime()) {
		await invalidateSession(id);
		return { session: null, user: null, renewed: false };
	}
	let expiresAt = row.expiresAt;
	const renewed = now >= expiresAt.getTime() - RENEW_WITHIN_MS;
	const seenLongAgo = now - row.lastSeenAt.getTime() >= LAST_SEEN_EVERY_MS;
	if (renewed) expiresAt = new Date(now + SESSION_TTL_MS);
	if (renewed || seenLongAgo) {
		// updateMany: a session signed out meanwhile (another tab, another device) is not an error here.
		await db.session.updateMany({ where: { id }, data: { expiresAt, lastSeenAt: new Date(now) } });
	}
	return { session: { id, userId: row.userId, expiresAt }, user: row.user, renewed };
}

/** When a session ends, or null when it has ended (expired or gone): open sockets ask this. */
export async function sessionExpiry(sessionId: string): Promise<Date | null> {
	const row = await (await prisma()).session.findUnique({ where: { id: sessionId }, select: { expiresAt: true } });
	return row && row.expiresAt.getTime() > Date.now() ? row.expiresAt : null;
}

/** Deletes the session; its open sockets, on every instance, close. */
export async function invalidateSession(sessionId: string): Promise<void> {
	await (await prisma()).session.deleteMany({ where: { id: sessionId } });
	emitEvent('session.ended', { sessionId });
}

/** Deletes every session of the user; all their open sockets, on every instance, close. */
export async function invalidateUserSessions(userId: string): Promise<void> {
	await endUserSessions(userId);
}

/**
 * Deletes every session of the user but `keepSessionId` (the one asking), with `alongside` in the
 * same transaction (a new password: no session of the old one outlives it, none is lost without
 * it); the other sessions' open sockets, on every instance, close. Returns how many ended.
 */
export function invalidateOtherSessions(userId: string, keepSessionId: string, alongside?: (tx: Transaction) => Promise<unknown>): Promise<number> {
	return endUserSessions(userId, keepSessionId, alongside);
}

/** How many sessions of the user besides `sessionId` are signed in now. */
export async function countOtherSessions(userId: string, sessionId: string): Promise<number> {
	return (await prisma()).session.count({ where: { userId, id: { not: sessionId }, expiresAt: { gt: new Date() } } });
}

/** The one path by which a user's sessions end: rows deleted, then every instance closes their sockets. */
async function endUserSessions(userId: string, keepSessionId?: string, alongside?: (tx: Transaction) => Promise<unknown>): Promise<number> {
	const where = keepSessionId === undefined ? { userId } : { userId, id: { not: keepSessionId } };
	const ended = await (await prisma()).$transaction(async (tx) => {
		await alongside?.(tx);
		// Counted as the sessions that were still signed in; expired rows go as well.
		const live = await tx.session.deleteMany({ where: { ...where, expiresAt: { gt: new Date() } } });
		await tx.session.deleteMany({ where });
		return live.count;
	});
	emitEvent('user.sessions.ended', keepSessionId === undefined ? { userId } : { userId, exceptSessionId: keepSessionId });
	return ended;
}

/** httpOnly, SameSite=Lax, and Secure whenever the studio is served over HTTPS. */
export function setSessionTokenCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: expiresAt
	});
}

/** Signs the user in on this browser: a new session, and its cookie on the answer. */
export async function startSession({ cookies, url, request }: { cookies: Cookies; url: URL; request: Request }, userId: string): Promise<AuthSession> {
	const token = generateSessionToken();
	const session = await createSession(token, userId, request.headers.get('user-agent') ?? '');
	setSessionTokenCookie(cookies, url, token, session.expiresAt);
	return session;
}

export function deleteSessionTokenCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
