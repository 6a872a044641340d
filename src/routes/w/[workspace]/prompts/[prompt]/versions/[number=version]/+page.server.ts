// One version: its full content, variables and parameters, what the workspace's template plugins
// say of it, labels, comments; restore it, comment on
// it (or on one of its lines), move a label to it, or propose it for a label in a review.
import { orHttpError } from '$lib/server/errors';
import { enabledPlugins, lintContent } from '$lib/server/plugins';
import { getVersion, listLabels, versionComments } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { moveLabelAction, proposeAction, restoreAction, versionCommentAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	// src/params/version.ts has let only 1, 2, 3… through.
	const { prompt, version } = await orHttpError(getVersion(member, params.prompt, Number(params.number)));
	const [comments, labels, lint] = await Promise.all([
		versionComments(version.id),
		listLabels(prompt.id),
		enabledPlugins(member.workspace.id).then((plugins) => lintContent(plugins, version.content))
	]);
	return { workspace: member.workspace, can: capabilities(member), prompt, version, comments, labels, lint };
};

export const actions: Actions = {
	restore: restoreAction,
	comment: versionCommentAction,
	moveLabel: moveLabelAction,
	propose: proposeAction
};
