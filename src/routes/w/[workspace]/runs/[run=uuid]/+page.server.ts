// One run re-opened: everything it recorded, its side-by-side partner and its session; any member
// who can see it may rate it (?/rate).
import { error } from '@sveltejs/kit';
import { RATING_COMMENT_MAX, runRatingSchema } from '$lib/schemas/runs';
import { orHttpError, ServiceError } from '$lib/server/errors';
import { getRun, rateRun } from '$lib/server/generation';
import { requireMember } from '$lib/server/workspaces';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const run = await orHttpError(getRun(member, params.run));
	return { workspace: member.workspace, run, commentMax: RATING_COMMENT_MAX };
};

export const actions: Actions = {
	rate: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		const form = await parseForm(request, runRatingSchema);
		if (!form.ok) return form.failure;
		try {
			const { rating } = await rateRun(member, params.run, form.data);
			return { success: true as const, message: `Rated ${rating} of 5. The run keeps one rating: the latest, whoever gives it.` };
		} catch (e) {
			if (e instanceof ServiceError && e.status === 404) error(404, e.message);
			return toFailure(e, form.values);
		}
	}
};
