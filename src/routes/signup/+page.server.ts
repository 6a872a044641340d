import { redirect } from '@sveltejs/kit';
import { signUpSchema } from '$lib/schemas/account';
import { clientAddress, signUp, startSession } from '$lib/server/auth';
import { formAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/workspaces');
};

export const actions: Actions = {
	default: formAction({
		guard: () => null,
		schema: signUpSchema,
		act: async (_anyone, { username, password }, event) => {
			const user = await signUp(username, password, clientAddress(event));
			await startSession(event.cookies, event.url, user.id);
			redirect(303, '/workspaces');
		}
	})
};
