import { redirect } from '@sveltejs/kit';
import { createWorkspaceSchema } from '$lib/schemas/workspace';
import { requireUser } from '$lib/server/auth';
import { createWorkspace, listWorkspaces } from '$lib/server/workspaces';
import { formAction } from '$lib/server/http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	return { workspaces: await listWorkspaces(user.id) };
};

export const actions: Actions = {
	// A refusal (an account's hourly budget of new workspaces spent) is the form's message.
	create: formAction({
		guard: ({ locals, url }: RequestEvent) => requireUser(locals, url),
		schema: createWorkspaceSchema,
		act: async (user, data) => {
			const workspace = await createWorkspace(user.id, data.name);
			redirect(303, `/w/${workspace.slug}`);
		}
	})
};
