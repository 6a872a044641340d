import { changePasswordSchema, displayNameFormSchema, signOutSessionSchema } from '$lib/schemas/account';
import { revokeApiTokenSchema } from '$lib/schemas/api-tokens';
import { listOwnedApiTokens, revokeOwnedApiToken } from '$lib/server/api-tokens';
import {
	changePassword,
	clientAddress,
	countOtherSessions,
	invalidateOtherSessions,
	listSignedInSessions,
	requireUser,
	setDisplayName,
	signOutSession
} from '$lib/server/auth';
import { ServiceError } from '$lib/server/errors';
import { formAction, parseForm, toFailure } from '$lib/server/http';
import { describeUserAgent } from '$lib/user-agent';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const sessionId = locals.session!.id;
	const [otherSessions, sessions, tokens] = await Promise.all([
		countOtherSessions(user.id, sessionId),
		listSignedInSessions(user.id, sessionId),
		listOwnedApiTokens(user.id)
	]);
	return {
		username: user.username,
		displayName: user.displayName,
		otherSessions,
		sessions: sessions.map((s) => ({
			id: s.id,
			device: describeUserAgent(s.userAgent),
			userAgent: s.userAgent,
			current: s.current,
			createdAt: s.createdAt.toISOString(),
			lastSeenAt: s.lastSeenAt.toISOString()
		})),
		tokens: tokens.map((t) => ({
			id: t.id,
			name: t.name,
			prefix: t.prefix,
			scopes: t.scopes,
			workspace: { name: t.workspace.name, slug: t.workspace.slug },
			createdAt: t.createdAt.toISOString(),
			lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
			expiresAt: t.expiresAt?.toISOString() ?? null
		}))
	};
};

/** The signed-in user and the session asking (kept when the others end), or a redirect to sign in. */
function signedIn({ locals, url }: RequestEvent) {
	const user = requireUser(locals, url);
	return { user, sessionId: locals.session!.id };
}

const sessionsWord = (count: number) => (count === 1 ? '1 other session' : `${count} other sessions`);

export const actions: Actions = {
	changePassword: async (event) => {
		const { user, sessionId } = signedIn(event);
		const form = await parseForm(event.request, changePasswordSchema);
		if (!form.ok) return form.failure;
		try {
			await changePassword(user.id, form.data.currentPassword, form.data.newPassword, sessionId, clientAddress(event));
		} catch (error) {
			if (error instanceof ServiceError && error.retryAfterSeconds) event.setHeaders({ 'retry-after': String(error.retryAfterSeconds) });
			return toFailure(error);
		}
		return { success: true, message: 'Password changed. Every other session is signed out.' };
	},
	signOutOthers: async (event) => {
		const { user, sessionId } = signedIn(event);
		const ended = await invalidateOtherSessions(user.id, sessionId);
		return { success: true, message: ended === 0 ? 'No other session was signed in.' : `Signed out of ${sessionsWord(ended)}.` };
	},
	displayName: formAction({
		guard: signedIn,
		schema: displayNameFormSchema,
		act: async ({ user }, { displayName }) => {
			const stored = await setDisplayName(user.id, displayName);
			return { message: stored ? `Others now see you as ${stored}.` : `Others now see your username, ${user.username}.` };
		}
	}),
	signOutSession: formAction({
		guard: signedIn,
		schema: signOutSessionSchema,
		// A session that ended meanwhile (signed out elsewhere) is the form's message, not a 404 page.
		missing: 'message',
		act: async ({ user, sessionId }, form) => {
			await signOutSession(user.id, form.sessionId, sessionId);
			return { message: 'That session is signed out.' };
		}
	}),
	revokeToken: formAction({
		guard: signedIn,
		schema: revokeApiTokenSchema,
		missing: 'message',
		act: async ({ user }, { tokenId }) => {
			const revoked = await revokeOwnedApiToken(user.id, tokenId);
			return { message: `Token "${revoked.name}" of ${revoked.workspace} revoked: requests with it are refused from now on.` };
		}
	})
};
