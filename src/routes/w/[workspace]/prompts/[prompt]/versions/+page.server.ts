// A prompt's history: versions, labels and their moves. Its actions are also what the editor page
// posts to: ?/commit (message) and ?/restore (version, commit=on).
import { orHttpError } from '$lib/server/errors';
import { versionsOverview } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { commitAction, moveLabelAction, restoreAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const overview = await orHttpError(versionsOverview(member, params.prompt));
	return { workspace: member.workspace, can: capabilities(member), ...overview };
};

export const actions: Actions = {
	commit: commitAction,
	restore: restoreAction,
	moveLabel: moveLabelAction
};
