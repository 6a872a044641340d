import { redirect } from '@sveltejs/kit';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { orHttpError } from '$lib/server/errors';
import { getPrompt, updatePromptMeta } from '$lib/server/prompts';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import { formAction, workspaceMember } from '$lib/server/http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	requireRole(member, 'editor');
	const prompt = await orHttpError(getPrompt(member, params.prompt));
	return { workspace: member.workspace, can: capabilities(member), prompt };
};

export const actions: Actions = {
	default: formAction({
		guard: workspaceMember('editor'),
		schema: promptMetaSchema,
		act: async (member, meta, { params }: RequestEvent) => {
			const { slug } = await updatePromptMeta(member, params.prompt, meta);
			redirect(303, `/w/${member.workspace.slug}/prompts/${slug}`);
		}
	})
};
