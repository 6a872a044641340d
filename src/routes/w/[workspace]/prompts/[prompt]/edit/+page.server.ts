import { redirect } from '@sveltejs/kit';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { orHttpError } from '$lib/server/errors';
import { getPrompt, updatePromptMeta } from '$lib/server/prompts';
import { countVersions } from '$lib/server/versions';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import { formAction, workspaceMember } from '$lib/server/http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	requireRole(member, 'editor');
	const [prompt, versionCount] = await Promise.all([orHttpError(getPrompt(member, params.prompt)), orHttpError(countVersions(member, params.prompt))]);
	// The delete section says what goes with the prompt: how many versions, and its library listing.
	return { workspace: member.workspace, can: capabilities(member), prompt, versionCount };
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
