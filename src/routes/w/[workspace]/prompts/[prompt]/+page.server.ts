import { redirect } from '@sveltejs/kit';
import { orHttpError } from '$lib/server/errors';
import { deletePrompt, getPrompt } from '$lib/server/prompts';
import { requireMember, requireRole, roleAtLeast } from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const prompt = await orHttpError(getPrompt(member, params.prompt));
	return { workspace: member.workspace, role: member.role, prompt, canEdit: roleAtLeast(member.role, 'editor') };
};

export const actions: Actions = {
	delete: async ({ locals, url, params }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'editor');
		await orHttpError(deletePrompt(member, params.prompt));
		redirect(303, `/w/${member.workspace.slug}`);
	}
};
