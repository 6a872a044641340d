import { redirect } from '@sveltejs/kit';
import { signInSchema } from '$lib/schemas/account';
import { clientAddress, createSession, generateSessionToken, safeRedirectPath, setSessionTokenCookie, signIn } from '$lib/server/auth';
import { ServiceError } from '$lib/server/errors';
import { parseForm, toFailure } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	// Only a page of this studio: an open redirect after sign-in would be a phishing aid.
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await parseForm(event.request, signInSchema);
		if (!form.ok) return form.failure;
		try {
			const user = await signIn(form.data.username, form.data.password, clientAddress(event));
			const token = generateSessionToken();
			const session = await createSession(token, user.id);
			setSessionTokenCookie(event.cookies, event.url, token, session.expiresAt);
		} catch (error) {
			if (error instanceof ServiceError && error.retryAfterSeconds) {
				event.setHeaders({ 'retry-after': String(error.retryAfterSeconds) });
			}
			return toFailure(error, form.values);
		}
		redirect(303, safeRedirectPath(form.data.redirectTo));
	}
};
