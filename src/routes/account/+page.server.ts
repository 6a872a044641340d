import { changePasswordSchema } from '$lib/schemas/account';
import { changePassword, clientAddress, countOtherSessions, invalidateOtherSessions, requireUser } from '$lib/server/auth';
import { ServiceError } from '$lib/server/errors';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	return { username: user.username, otherSessions: await countOtherSessions(user.id, locals.session!.id) };
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
	}
};
