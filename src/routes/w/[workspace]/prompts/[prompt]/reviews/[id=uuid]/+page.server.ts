// One review: the proposal, its diff against the base with line comments, verdicts, and merge.
// ?view=split|inline&context=3|all shape the diff; ?field=&side=&line= picks a line to comment on.
import { z } from 'zod';
import { COMMENT_FIELDS } from '$lib/schemas/versions';
import { orHttpError } from '$lib/server/errors';
import { getReview } from '$lib/server/versions';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { closeAction, mergeAction, reviewCommentAction, verdictAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

const viewSchema = z.object({
	view: z.enum(['split', 'inline']).catch('split'),
	context: z.enum(['3', 'all']).catch('3')
});
const anchorSchema = z.object({ field: z.enum(COMMENT_FIELDS), side: z.enum(['old', 'new']), line: z.coerce.number().int().min(1) });

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const query = Object.fromEntries(url.searchParams);
	const { view, context } = viewSchema.parse(query);
	const anchor = anchorSchema.safeParse(query);
	const { prompt, review } = await orHttpError(getReview(member, params.prompt, params.id, { context: context === 'all' ? Infinity : 3 }));
	return { workspace: member.workspace, can: capabilities(member), prompt, review, view, context, anchor: anchor.success ? anchor.data : null };
};

export const actions: Actions = {
	comment: reviewCommentAction,
	verdict: verdictAction,
	merge: mergeAction,
	close: closeAction
};
