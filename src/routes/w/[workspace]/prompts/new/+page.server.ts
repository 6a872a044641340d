import { redirect } from '@sveltejs/kit';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { parseForm, toFailure } from '$lib/server/forms';
import { createPrompt, listStarters } from '$lib/server/prompts';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	requireRole(member, 'editor');
	return { workspace: member.workspace, can: capabilities(member), starters: listStarters() };
};

export const actions: Actions = {
	default: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'editor');
		const form = await parseForm(request, promptMetaSchema);
		if (!form.ok) return form.failure;
		let slug: string;
		try {
			({ slug } = await createPrompt(member, form.data));
		} catch (error) {
			return toFailure(error, form.values);
		}
		redirect(303, `/w/${member.workspace.slug}/prompts/${slug}`);
	}
};
