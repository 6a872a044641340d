// A prompt's reviews (open ones first), and proposing a version for a label.
import { orHttpError } from '$lib/server/errors';
import { listLabels, listReviews, listVersions } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { proposeAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const { prompt, reviews } = await orHttpError(listReviews(member, params.prompt));
	const [{ versions }, labels] = await Promise.all([listVersions(member, params.prompt), listLabels(prompt.id)]);
	return {
		workspace: member.workspace,
		can: capabilities(member),
		prompt,
		reviews,
		versions: versions.map((v) => ({ number: v.number, message: v.message })),
		labels
	};
};

export const actions: Actions = { propose: proposeAction };
