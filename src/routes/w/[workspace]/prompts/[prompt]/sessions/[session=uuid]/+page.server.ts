// One live session: what the page needs before its socket joins (the session, the prompt's versions
// and the variables each one takes, for the run form). Runs, presence and who may run arrive over
// the socket, which checks access itself on every join and action.
import { error } from '@sveltejs/kit';
import { logger } from '$lib/server/logger';
import { readDraftContent } from '$lib/server/drafts';
import { orHttpError } from '$lib/server/errors';
import { getSession } from '$lib/server/generation';
import { listVersions } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { extractVariablesLenient } from '$lib/template';
import type { PageServerLoad } from './$types';

/** The live draft's variables as it stands now (the run form's "Live draft" choice). */
async function draftVariables(promptId: string): Promise<string[]> {
	try {
		return extractVariablesLenient((await readDraftContent(promptId)).userPromptTemplate);
	} catch (e) {
		logger.warn({ err: e, promptId }, 'reading the draft for its variables failed');
		return [];
	}
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const access = await orHttpError(getSession(member, params.session));
	if (access.session.promptSlug !== params.prompt) error(404, 'The session was not found.');
	const [{ versions }, draft] = await Promise.all([
		orHttpError(listVersions(member, params.prompt)),
		access.canRun ? draftVariables(access.session.promptId) : Promise.resolve([])
	]);
	return {
		workspace: member.workspace,
		/** Running follows the session's own access rule (the hub says it again on joining). */
		can: { ...capabilities(member), run: access.canRun },
		prompt: { slug: access.session.promptSlug, name: access.session.promptName },
		session: access.session,
		user: { id: member.user.id, username: member.user.username },
		versions: versions.map((v) => ({ number: v.number, message: v.message, variables: v.variables })),
		draftVariables: draft
	};
};
