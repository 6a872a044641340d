// The Publish tab: publish a committed version to the community library (title, description, tags,
// sample outputs from its runs), see its publications, unpublish one or all. `?version=N` picks the
// version whose runs are offered as samples (the newest by default).
import { orHttpError } from '$lib/server/errors';
import { publishingOverview } from '$lib/server/publishing';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { publishAction, unpublishAction, unpublishAllAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const { candidates, ...overview } = await orHttpError(publishingOverview(member, params.prompt));
	const asked = Number(url.searchParams.get('version'));
	const selected = overview.versions.find((v) => v.number === asked)?.number ?? overview.versions[0]?.number ?? null;
	return {
		workspace: member.workspace,
		can: capabilities(member),
		...overview,
		selected,
		samples: selected === null ? [] : (candidates[selected] ?? [])
	};
};

export const actions: Actions = {
	publish: publishAction,
	unpublish: unpublishAction,
	unpublishAll: unpublishAllAction
};
