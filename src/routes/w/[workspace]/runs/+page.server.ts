// The workspace's run history: filters from the URL (a plain GET form), one page of runs, and the
// cache figures operators watch (over the same days when a date range is chosen).
import { encodeCursor, parseRunQuery } from '$lib/schemas/runs';
import { promptFiltersSchema } from '$lib/schemas/prompt';
import { cacheFigures, listRuns } from '$lib/server/generation';
import { listPrompts } from '$lib/server/prompts';
import { listMembers, requireMember } from '$lib/server/workspaces';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const { filters, page } = parseRunQuery(url.searchParams);
	const [list, cache, prompts, members] = await Promise.all([
		listRuns(member, filters, page),
		cacheFigures(member, { from: filters.from, to: filters.to }),
		listPrompts(member, promptFiltersSchema.parse({})),
		listMembers(member.workspace.id)
	]);
	return {
		workspace: member.workspace,
		filters,
		runs: list.runs,
		newer: list.newer && encodeCursor(list.newer),
		older: list.older && encodeCursor(list.older),
		paged: Boolean(page.before || page.after),
		cache,
		prompts: prompts.map((p) => ({ slug: p.slug, name: p.name })),
		usernames: members.map((m) => m.username)
	};
};
