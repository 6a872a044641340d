// Forking a public prompt: signed-in people choose one of their workspaces (where they edit) and a
// published version (`?version=N`, else the one the public page shows); the fork opens in the studio.
import { error, redirect } from '@sveltejs/kit';
import { forkSchema } from '$lib/schemas/publishing';
import { requireUser } from '$lib/server/auth';
import { ServiceError, orHttpError } from '$lib/server/errors';
import { forkOptions, forkPublishedVersion } from '$lib/server/publishing';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	const options = await orHttpError(forkOptions(user, { workspaceSlug: params.workspace, promptSlug: params.prompt }));
	const asked = Number(url.searchParams.get('version'));
	return { ...options, selected: options.versions.includes(asked) ? asked : options.origin.versionNumber };
};

export const actions: Actions = {
	default: async ({ locals, url, params, request }) => {
		const user = requireUser(locals, url);
		const form = await parseForm(request, forkSchema);
		if (!form.ok) return form.failure;
		let fork: { workspaceSlug: string; promptSlug: string };
		try {
			fork = await forkPublishedVersion(user, { workspaceSlug: params.workspace, promptSlug: params.prompt }, form.data);
		} catch (e) {
			if (e instanceof ServiceError && e.status === 404) error(404, e.message);
			return toFailure(e, form.values);
		}
		redirect(303, `/w/${fork.workspaceSlug}/prompts/${fork.promptSlug}`);
	}
};
