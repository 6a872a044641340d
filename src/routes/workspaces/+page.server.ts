import { redirect } from '@sveltejs/kit';
import { createWorkspaceSchema } from '$lib/schemas/workspace';
import { requireUser } from '$lib/server/auth';
import { createWorkspace, listWorkspaces } from '$lib/server/workspaces';
import { parseForm } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	return { workspaces: await listWorkspaces(user.id) };
};

export const actions: Actions = {
	create: async ({ locals, url, request }) => {
		const user = requireUser(locals, url);
		const form = await parseForm(request, createWorkspaceSchema);
		if (!form.ok) return form.failure;
		const workspace = await createWorkspace(user.id, form.data.name);
		redirect(303, `/w/${workspace.slug}`);
	}
};
