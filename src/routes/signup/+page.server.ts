import { redirect } from '@sveltejs/kit';
import { signUpSchema } from '$lib/schemas/account';
import { clientAddress, safeRedirectPath, signUp, startSession } from '$lib/server/auth';
import { formAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	// Where to go once the account exists (an invitation link sends people here and back): only a
	// page of this studio, as after signing in.
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo };
};

export const actions: Actions = {
	default: formAction({
		guard: () => null,
		schema: signUpSchema,
		act: async (_anyone, { username, password, redirectTo }, event) => {
			const user = await signUp(username, password, clientAddress(event));
			await startSession(event, user.id);
			redirect(303, safeRedirectPath(redirectTo));
		}
	})
};
