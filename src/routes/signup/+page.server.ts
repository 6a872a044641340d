import { redirect } from '@sveltejs/kit';
import { signUpSchema } from '$lib/schemas/account';
import { createSession, generateSessionToken, setSessionTokenCookie, signUp } from '$lib/server/auth';
import { parseForm, toFailure } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/workspaces');
};

export const actions: Actions = {
	default: async ({ request, cookies, url }) => {
		const form = await parseForm(request, signUpSchema);
		if (!form.ok) return form.failure;
		try {
			const user = await signUp(form.data.username, form.data.password);
			const token = generateSessionToken();
			const session = await createSession(token, user.id);
			setSessionTokenCookie(cookies, url, token, session.expiresAt);
		} catch (error) {
			return toFailure(error, form.values);
		}
		redirect(303, '/workspaces');
	}
};
