// Creates a prompt from a shipped starter and opens it in the editor. Its own route: a page with a
// default action (the new-prompt form) cannot also have named ones.
import { redirect } from '@sveltejs/kit';
import { orHttpError } from '$lib/server/errors';
import { createPromptFromStarter } from '$lib/server/prompts';
import { requireMember, requireRole } from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => redirect(303, `/w/${params.workspace}/prompts/new`);

export const actions: Actions = {
	default: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'editor');
		const key = String((await request.formData()).get('starter') ?? '');
		const { slug } = await orHttpError(createPromptFromStarter(member, key));
		redirect(303, `/w/${member.workspace.slug}/prompts/${slug}`);
	}
};
