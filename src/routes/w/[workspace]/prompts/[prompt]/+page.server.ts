import { redirect } from '@sveltejs/kit';
import { userColor } from '$lib/components/editor/user-color';
import { orHttpError } from '$lib/server/errors';
import { deletePrompt, getPrompt } from '$lib/server/prompts';
import { forkOrigin } from '$lib/server/publishing';
import { latestCommitted } from '$lib/server/versions';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

// The live editor: the prompt, the caller's role, and what the browser needs to join the draft
// (the realtime server checks the session cookie and the role itself on every connection).
export const load: PageServerLoad = async ({ locals, url, params, depends }) => {
	// The editor reads the latest version again when someone commits (its draft status compares with it).
	depends('prompt:latest-version');
	const member = await requireMember(locals, url, params.workspace);
	const prompt = await orHttpError(getPrompt(member, params.prompt));
	return {
		workspace: member.workspace,
		can: capabilities(member),
		prompt,
		/** The public prompt this one was forked from, while it is still in the library. */
		forkedFrom: await forkOrigin(prompt.id),
		/** The newest version's content, which the live draft is compared with ("Uncommitted changes since v3"). */
		committed: await latestCommitted(prompt.id),
		live: {
			promptId: prompt.id,
			user: { id: member.user.id, name: member.user.username, ...userColor(member.user.id) }
		}
	};
};

export const actions: Actions = {
	delete: async ({ locals, url, params }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'editor');
		await orHttpError(deletePrompt(member, params.prompt));
		redirect(303, `/w/${member.workspace.slug}`);
	}
};
