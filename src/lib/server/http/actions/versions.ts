// Form actions shared by the version pages (and posted to from the editor page): editors and owners
// only, each a formAction answering `{ success: true, message, … }` or a FormFailure. The rules
// themselves live in the versions domain.
import { error, redirect } from '@sveltejs/kit';
import type { z } from 'zod';
import { commentSchema, commitSchema, emptyFormSchema, moveLabelSchema, proposeReviewSchema, restoreSchema, verdictSchema } from '$lib/schemas/versions';
import { ServiceError } from '../../errors';
import { closeReview, commentOnReview, commentOnVersion, commitDraft, decideReview, mergeReview, moveLabel, proposeReview, restoreVersion } from '../../versions';
import type { Member } from '../../workspaces';
import { formAction } from '../form-action';
import { workspaceMember } from '../guards';

/** What an action needs of SvelteKit's RequestEvent on a prompt's pages. */
export interface PromptEvent {
	locals: App.Locals;
	url: URL;
	request: Request;
	params: { workspace: string; prompt: string; number?: string; id?: string };
}

/** Member (editor or owner) → form → service → answer; a missing prompt or review is the 404 page. */
function editorAction<S extends z.ZodType, R extends { message: string }>(schema: S, act: (member: Member, data: z.infer<S>, event: PromptEvent) => Promise<R>) {
	return formAction({ guard: workspaceMember('editor'), schema, act });
}

export const commitAction = editorAction(commitSchema, async (member, { message }, { params }) => {
	const result = await commitDraft(member, params.prompt, message);
	// "Nothing changed" is a refusal the editor shows as such; the latest version is unchanged.
	if (!result.created) throw new ServiceError(409, result.message);
	return { message: result.message, version: result.version };
});

export const restoreAction = editorAction(restoreSchema, async (member, { version, commit }, { params }) => {
	const result = await restoreVersion(member, params.prompt, version, { commit });
	return {
		success: true,
		message: result.message,
		version: result.commit?.created ? result.commit.version : version,
		restored: version,
		committed: result.commit?.created ? result.commit.version : null
	};
});

export const moveLabelAction = editorAction(moveLabelSchema, async (member, { label, version }, { params }) => {
	const { from } = await moveLabel(member, params.prompt, label, version);
	return { message: from === null ? `${label} now points at v${version}.` : `${label} moved from v${from} to v${version}.` };
});

export const versionCommentAction = editorAction(commentSchema, async (member, input, { params }) => {
	const number = Number(params.number);
	if (!Number.isSafeInteger(number) || number < 1) error(404, 'Not found.');
	await commentOnVersion(member, params.prompt, number, input);
	return { message: 'Comment added.' };
});

/** Opens a review and goes to it. */
export const proposeAction = editorAction(proposeReviewSchema, async (member, input, { params }) => {
	const { id } = await proposeReview(member, params.prompt, input);
	redirect(303, `/w/${member.workspace.slug}/prompts/${params.prompt}/reviews/${id}`);
});

function reviewId(event: PromptEvent): string {
	if (!event.params.id) error(404, 'Not found.');
	return event.params.id;
}

export const reviewCommentAction = editorAction(commentSchema, async (member, input, event) => {
	await commentOnReview(member, event.params.prompt, reviewId(event), input);
	return { message: 'Comment added.' };
});

export const verdictAction = editorAction(verdictSchema, async (member, { verdict }, event) => {
	const status = await decideReview(member, event.params.prompt, reviewId(event), verdict);
	const said = verdict === 'approve' ? 'You approved this proposal.' : 'You requested changes.';
	return { message: status === 'approved' ? `${said} It can merge now.` : said };
});

export const mergeAction = editorAction(emptyFormSchema, async (member, _data, event) => {
	const { label, version, from } = await mergeReview(member, event.params.prompt, reviewId(event));
	return { message: `Merged: ${label} ${from === null ? 'now points at' : `moved from v${from} to`} v${version}.` };
});

export const closeAction = editorAction(emptyFormSchema, async (member, _data, event) => {
	await closeReview(member, event.params.prompt, reviewId(event));
	return { message: 'Review closed.' };
});
