import { error, redirect } from '@sveltejs/kit';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { ServiceError, orHttpError } from '$lib/server/errors';
import { parseForm, toFailure } from '$lib/server/forms';
import { getPrompt, updatePromptMeta } from '$lib/server/prompts';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	requireRole(member, 'editor');
	const prompt = await orHttpError(getPrompt(member, params.prompt));
	return { workspace: member.workspace, can: capabilities(member), prompt };
};

export const actions: Actions = {
	default: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'editor');
		const form = await parseForm(request, promptMetaSchema);
		if (!form.ok) return form.failure;
		let slug: string;
		try {
			({ slug } = await updatePromptMeta(member, params.prompt, form.data));
		} catch (e) {
			if (e instanceof ServiceError && e.status === 404) error(404, e.message);
			return toFailure(e, form.values);
		}
		redirect(303, `/w/${member.workspace.slug}/prompts/${slug}`);
	}
};
