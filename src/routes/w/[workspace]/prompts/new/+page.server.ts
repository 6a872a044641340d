import { redirect } from '@sveltejs/kit';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createPrompt, listStarters } from '$lib/server/prompts';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import { formAction, workspaceMember } from '$lib/server/http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	requireRole(member, 'editor');
	return { workspace: member.workspace, can: capabilities(member), starters: listStarters() };
};

export const actions: Actions = {
	default: formAction({
		guard: workspaceMember('editor'),
		schema: promptMetaSchema,
		missing: 'message',
		act: async (member, meta, _event: RequestEvent) => {
			const { slug } = await createPrompt(member, meta);
			redirect(303, `/w/${member.workspace.slug}/prompts/${slug}`);
		}
	})
};
