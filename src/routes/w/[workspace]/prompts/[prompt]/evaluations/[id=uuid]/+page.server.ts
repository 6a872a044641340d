// One evaluation: its progress (the page reloads its data while it runs), pass@1 / pass@k, and each
// problem's samples with their outcome, the failing output and the model's answer.
import { cancelEvaluation, getEvaluation } from '$lib/server/evaluation';
import { orHttpError } from '$lib/server/errors';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params, depends }) => {
	depends('app:evaluation');
	const member = await requireMember(locals, url, params.workspace);
	const { evaluation, problems } = await orHttpError(getEvaluation(member, params.prompt, params.id));
	return { workspace: member.workspace, can: capabilities(member), promptSlug: params.prompt, evaluation, problems };
};

export const actions: Actions = {
	cancel: async ({ locals, url, params }) => {
		const member = await requireMember(locals, url, params.workspace);
		try {
			await cancelEvaluation(member, params.prompt, params.id);
			return { success: true, message: 'Stopping after the samples in progress.' };
		} catch (error) {
			return toFailure(error);
		}
	}
};
