import { redirect } from '@sveltejs/kit';
import { signInSchema } from '$lib/schemas/account';
import { clientAddress, safeRedirectPath, signIn, startSession } from '$lib/server/auth';
import { formAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	// Only a page of this studio: an open redirect after sign-in would be a phishing aid.
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo };
};

export const actions: Actions = {
	default: formAction({
		guard: () => null,
		schema: signInSchema,
		act: async (_anyone, { username, password, redirectTo }, event) => {
			const user = await signIn(username, password, clientAddress(event));
			await startSession(event, user.id);
			redirect(303, safeRedirectPath(redirectTo));
		}
	})
};
