// The diff of any two versions, or of a version and the live draft: ?from=A&to=B (either may be
// "draft"; from defaults to the newest version, to to the draft), &view=split|inline, &context=3|all.
import { error } from '@sveltejs/kit';
import { diffQuerySchema } from '$lib/schemas/versions';
import { orHttpError } from '$lib/server/errors';
import { compare, listVersions } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import type { PageServerLoad } from './$types';

/** The 400 of a comparison that names no two versions: what to do instead, as links. */
function chooseVersions(history: string, numbers: number[]): App.Error {
	const [newest, previous] = numbers;
	const links = [{ href: `${history}/diff?from=${newest}&to=draft`, label: `Compare v${newest} with the live draft` }];
	if (previous !== undefined) links.push({ href: `${history}/diff?from=${previous}&to=${newest}`, label: `Compare v${previous} with v${newest}` });
	links.push({ href: history, label: 'Open the history' });
	return {
		message: 'Pick a version, or the live draft, on each side: these links open the usual comparisons, and the history lists every version.',
		title: 'Choose two versions to compare',
		links
	};
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const { versions } = await orHttpError(listVersions(member, params.prompt));
	const latest = versions[0]?.number;
	if (latest === undefined) error(404, 'This prompt has no versions to compare yet.');
	// Without `from`, compare the newest version with the draft: "what changed since I last committed".
	const query = diffQuerySchema.safeParse({ from: String(latest), ...Object.fromEntries(url.searchParams) });
	if (!query.success) error(400, chooseVersions(`/w/${member.workspace.slug}/prompts/${params.prompt}/versions`, versions.map((v) => v.number)));
	const { from, to, view, context } = query.data;
	const compared = await orHttpError(compare(member, params.prompt, from, to, { context: context === 'all' ? Infinity : 3 }));
	return {
		workspace: member.workspace,
		can: capabilities(member),
		versions: versions.map((v) => ({ number: v.number, message: v.message })),
		query: { from: String(from), to: String(to), view, context },
		...compared
	};
};
