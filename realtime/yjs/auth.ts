// Who is on the other end of a draft socket: the session cookie of the upgrade request, then the
// app's own rule (drafts/draftAccess: membership, role, private prompts). realtime/ owns no users.
import type { IncomingMessage } from 'node:http';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { shownName, validateSessionToken } from '$lib/server/auth';
import { sameOrigin, sessionToken } from '../http-auth';
import { draftAccess, type DraftAccess } from '$lib/server/drafts';

export type Authorisation =
	/** `username` is the name the room vouches for in presence: the display name, else the username. */
	| { ok: true; userId: string; username: string; access: DraftAccess; session?: { id: string; expiresAt: Date } }
	| { ok: false; code: number; reason: string };

export type Authorise = (request: IncomingMessage, promptId: string) => Promise<Authorisation>;

export const authoriseBySession: Authorise = async (request, promptId) => {
	if (!sameOrigin(request)) return { ok: false, code: YJS_CLOSE.forbidden, reason: 'This page may not open that draft.' };
	const token = sessionToken(request);
	if (!token) return { ok: false, code: YJS_CLOSE.unauthorized, reason: 'Sign in to edit this prompt.' };
	const { user, session } = await validateSessionToken(token);
	if (!user) return { ok: false, code: YJS_CLOSE.unauthorized, reason: 'Your session has ended. Sign in again.' };
	const access = await draftAccess(user.id, promptId);
	if (!access) return { ok: false, code: YJS_CLOSE.forbidden, reason: 'You do not have access to this prompt.' };
	return { ok: true, userId: user.id, username: shownName(user), access, session: { id: session.id, expiresAt: session.expiresAt } };
};
