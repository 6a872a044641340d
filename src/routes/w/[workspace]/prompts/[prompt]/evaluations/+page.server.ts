// The Evaluations tab: start an evaluation of a version on one of the benchmarks offered (editors
// and owners), the prompt's evaluations, and the best pass@1 of each version on each model, compared.
import { redirect } from '@sveltejs/kit';
import { startEvaluationSchema } from '$lib/schemas/evaluation';
import { benchmarkChoices, listEvaluations, startEvaluation } from '$lib/server/evaluation';
import { orHttpError } from '$lib/server/errors';
import { listVersions } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const can = capabilities(member);
	const [{ prompt, versions }, { evaluations, comparison }, benchmarks] = await Promise.all([
		orHttpError(listVersions(member, params.prompt)),
		orHttpError(listEvaluations(member, params.prompt)),
		can.run ? benchmarkChoices() : []
	]);
	return {
		workspace: member.workspace,
		can,
		benchmarks,
		prompt,
		versions: versions.map((v) => ({ number: v.number, message: v.message, takesProblems: v.variables.includes('prompt') })),
		evaluations,
		comparison
	};
};

export const actions: Actions = {
	start: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		const form = await parseForm(request, startEvaluationSchema);
		if (!form.ok) return form.failure;
		let id: string;
		try {
			({ id } = await startEvaluation(member, params.prompt, form.data));
		} catch (error) {
			return toFailure(error, form.values);
		}
		redirect(303, `/w/${params.workspace}/prompts/${params.prompt}/evaluations/${id}`);
	}
};
