// The sessions a person is signed in with, as the account page lists them: where each began (the
// browser's own words), when it began and was last used, which one is asking; and signing out one
// of them from here. Ending a session closes its open sockets on every instance (session.ended).
import { prisma } from '../db';
import { emitEvent } from '../domain-events';
import { invalid, notFound } from '../errors';

/** More than anyone keeps; a script that signs in in a loop does not make the page endless. */
const LISTED_AT_MOST = 50;

export interface SignedInSession {
	id: string;
	/** The User-Agent the session began with ('' when the browser sent none). */
	userAgent: string;
	createdAt: Date;
	lastSeenAt: Date;
	/** The session this request came with. */
	current: boolean;
}

/** The user's live sessions: the asking one first, then the most recently used. */
export async function listSignedInSessions(userId: string, currentSessionId: string): Promise<SignedInSession[]> {
	const rows = await (await prisma()).session.findMany({
		where: { userId, expiresAt: { gt: new Date() } },
		orderBy: [{ lastSeenAt: 'desc' }, { createdAt: 'desc' }],
		take: LISTED_AT_MOST,
		select: { id: true, userAgent: true, createdAt: true, lastSeenAt: true }
	});
	const sessions = rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
	return [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)];
}

/**
 * Signs out one of the user's other sessions. Only the user's own: another person's session id is
 * "not found", as is one that has ended. The asking session signs out through Sign out instead.
 */
export async function signOutSession(userId: string, sessionId: string, currentSessionId: string): Promise<void> {
	if (sessionId === currentSessionId) throw invalid('That is the session you are using now: sign out from the menu instead.');
	const { count } = await (await prisma()).session.deleteMany({ where: { id: sessionId, userId } });
	if (count === 0) throw notFound('That session');
	emitEvent('session.ended', { sessionId });
}
