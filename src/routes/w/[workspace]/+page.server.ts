import { promptFiltersSchema } from '$lib/schemas/prompt';
import { listPrompts, promptFacets } from '$lib/server/prompts';
import { capabilities, requireMember } from '$lib/server/workspaces';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const filters = promptFiltersSchema.parse(Object.fromEntries(url.searchParams));
	const [prompts, facets] = await Promise.all([listPrompts(member, filters), promptFacets(member)]);
	return {
		workspace: member.workspace,
		can: capabilities(member),
		prompts,
		filters,
		...facets
	};
};
