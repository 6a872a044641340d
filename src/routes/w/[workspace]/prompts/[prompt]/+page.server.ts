import { redirect } from '@sveltejs/kit';
import { userColor } from '$lib/components/editor/user-color';
import { shownName } from '$lib/server/auth';
import { orHttpError } from '$lib/server/errors';
import { deletePrompt, getPrompt } from '$lib/server/prompts';
import { forkOrigin } from '$lib/server/publishing';
import { latestCommitted, listVersions } from '$lib/server/versions';
import { versionOptions } from '$lib/api/snippets';
import { capabilities, requireMember, requireRole } from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

// The live editor: the prompt, the caller's role, and what the browser needs to join the draft
// (the realtime server checks the session cookie and the role itself on every connection).
export const load: PageServerLoad = async ({ locals, url, params, depends }) => {
	// The editor reads the latest version again when someone commits (its draft status compares with it).
	depends('prompt:latest-version');
	const member = await requireMember(locals, url, params.workspace);
	const [prompt, { versions }] = await Promise.all([orHttpError(getPrompt(member, params.prompt)), orHttpError(listVersions(member, params.prompt))]);
	const can = capabilities(member);
	return {
		workspace: member.workspace,
		can,
		prompt,
		/** The public prompt this one was forked from, while it is still in the library. */
		forkedFrom: await forkOrigin(prompt.id),
		/** What the "Use this prompt" panel builds its snippets from. */
		api: {
			origin: url.origin,
			options: versionOptions(versions),
			/** The newest version the options know of: a newer commit makes the page ask again. */
			newestVersion: versions[0]?.number ?? 0,
			/** Private prompts stay out of the prompt API. */
			reachable: prompt.visibility !== 'private',
			/** Where tokens are made: only owners may. */
			tokensHref: can.manage ? `/w/${member.workspace.slug}/settings/tokens` : null
		},
		/** The newest version's content, which the live draft is compared with ("Uncommitted changes since v3"). */
		committed: await latestCommitted(prompt.id),
		live: {
			promptId: prompt.id,
			user: { id: member.user.id, name: shownName(member.user), ...userColor(member.user.id) }
		}
	};
};

export const actions: Actions = {
	// Offered at the bottom of the prompt's Edit details page, set apart from the everyday actions.
	delete: async ({ locals, url, params }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'editor');
		await orHttpError(deletePrompt(member, params.prompt));
		redirect(303, `/w/${member.workspace.slug}`);
	}
};
