import { describe, expect, it } from 'vitest';
import { commentSchema } from '$lib/schemas/versions';
import {
	closeReview,
	commentOnReview,
	commentOnVersion,
	commitDraft,
	decideReview,
	getReview,
	listLabelMoves,
	listReviews,
	mergeReview,
	moveLabel,
	proposeReview,
	versionComments
} from '$lib/server/versions';
import { getVersion } from '$lib/server/versions';
import { refusal } from '../helpers/refusal';
import { sample, setDraft, versionTeam } from './versions-fixtures';

const comment = (fields: Record<string, string>) => commentSchema.parse(fields);

async function proposal() {
	const t = await versionTeam('reviews');
	for (const n of [1, 2]) {
		await setDraft(t.promptId, sample({ systemPrompt: `System ${n}\nShared line` }));
		await commitDraft(t.author, t.prompt, `v${n}`);
	}
	await moveLabel(t.owner, t.prompt, 'production', 1);
	const { id } = await proposeReview(t.author, t.prompt, { version: 2, label: 'production', title: 'Sharper system prompt' });
	return { ...t, id };
}

describe('reviews', () => {
	it('opens a review whose base is what the label points at now, and shows its diff against it', async () => {
		const t = await proposal();
		const { review } = await getReview(t.viewer, t.prompt, t.id);
		expect(review).toMatchObject({ title: 'Sharper system prompt', label: 'production', version: 2, base: 1, status: 'open', proposedBy: t.author.user.username });
		const system = review.diff.fields.find((f) => f.field === 'system')!;
		expect(system.changed).toBe(true);
		expect(system.inline.map((r) => r.kind)).toEqual(['removed', 'added', 'same']);
		expect(review.can).toMatchObject({ review: false, comment: false });
		const { reviews } = await listReviews(t.viewer, t.prompt);
		expect(reviews.map((r) => r.id)).toEqual([t.id]);
	});

	it('refuses a second open review of the same proposal and a proposal of where the label already is', async () => {
		const t = await proposal();
		expect((await refusal(proposeReview(t.reviewer, t.prompt, { version: 2, label: 'production', title: '' }))).status).toBe(409);
		expect((await refusal(proposeReview(t.reviewer, t.prompt, { version: 1, label: 'production', title: '' }))).message).toBe(
			'production already points at v1.'
		);
		expect((await refusal(proposeReview(t.viewer, t.prompt, { version: 2, label: 'staging', title: '' }))).status).toBe(403);
		const staging = await proposeReview(t.reviewer, t.prompt, { version: 2, label: 'staging', title: '' });
		expect((await getReview(t.author, t.prompt, staging.id)).review).toMatchObject({ base: null, title: 'v2 → staging' });
	});

	it('refuses the proposer’s own approval', async () => {
		const t = await proposal();
		const own = await refusal(decideReview(t.author, t.prompt, t.id, 'approve'));
		expect([own.status, own.message]).toEqual([403, 'You cannot approve your own proposal: another member has to review it.']);
		expect((await refusal(decideReview(t.viewer, t.prompt, t.id, 'approve'))).status).toBe(403);
		expect((await getReview(t.owner, t.prompt, t.id)).review.status).toBe('open');
	});

	it('blocks the merge while a request for changes is outstanding; each reviewer’s latest verdict counts', async () => {
		const t = await proposal();
		expect(await decideReview(t.reviewer, t.prompt, t.id, 'approve')).toBe('approved');
		expect(await decideReview(t.owner, t.prompt, t.id, 'request_changes')).toBe('changes_requested');
		const blocked = await refusal(mergeReview(t.author, t.prompt, t.id));
		expect([blocked.status, blocked.message]).toEqual([409, 'Changes were requested: this review cannot merge until those reviewers approve.']);
		expect(await decideReview(t.owner, t.prompt, t.id, 'approve')).toBe('approved');
		const { review } = await getReview(t.author, t.prompt, t.id);
		expect([review.approvals, review.changeRequests, review.history.length]).toEqual([2, 0, 3]);
		expect(review.can.merge).toBe(true);
	});

	it('needs an approval before merging', async () => {
		const t = await proposal();
		expect((await refusal(mergeReview(t.author, t.prompt, t.id))).message).toBe('This review needs an approval before it can merge.');
	});

	it('merges by moving the label, records the review on the move, and closes the review to verdicts', async () => {
		const t = await proposal();
		await decideReview(t.reviewer, t.prompt, t.id, 'approve');
		expect(await mergeReview(t.reviewer, t.prompt, t.id)).toEqual({ label: 'production', version: 2, from: 1 });
		const [move] = await listLabelMoves(t.promptId);
		expect([move!.from, move!.to, move!.reviewId, move!.movedBy]).toEqual([1, 2, t.id, t.reviewer.user.username]);
		expect((await getReview(t.author, t.prompt, t.id)).review.status).toBe('merged');
		expect((await refusal(decideReview(t.owner, t.prompt, t.id, 'request_changes'))).message).toBe('This review is merged.');
		expect((await refusal(mergeReview(t.author, t.prompt, t.id))).status).toBe(409);
	});

	it('closes a review without moving anything', async () => {
		const t = await proposal();
		await closeReview(t.author, t.prompt, t.id);
		expect((await getReview(t.author, t.prompt, t.id)).review.status).toBe('closed');
		expect((await refusal(decideReview(t.reviewer, t.prompt, t.id, 'approve'))).message).toBe('This review is closed.');
		expect((await listLabelMoves(t.promptId)).map((m) => m.to)).toEqual([1]);
	});

	it('takes comments on the proposal and on a line of either side of its diff', async () => {
		const t = await proposal();
		await commentOnReview(t.reviewer, t.prompt, t.id, comment({ body: 'Looks right overall.' }));
		await commentOnReview(t.reviewer, t.prompt, t.id, comment({ body: 'Why drop this?', field: 'system', side: 'old', line: '1' }));
		await commentOnReview(t.owner, t.prompt, t.id, comment({ body: 'Nice.', field: 'system', side: 'new', line: '2' }));
		const { review } = await getReview(t.author, t.prompt, t.id);
		expect(review.comments.map((c) => [c.author, c.body, c.anchor])).toEqual([
			[t.reviewer.user.username, 'Looks right overall.', null],
			[t.reviewer.user.username, 'Why drop this?', { field: 'system', side: 'old', line: 1 }],
			[t.owner.user.username, 'Nice.', { field: 'system', side: 'new', line: 2 }]
		]);
		const past = await refusal(commentOnReview(t.reviewer, t.prompt, t.id, comment({ body: 'x', field: 'system', side: 'new', line: '3' })));
		expect([past.status, past.field, past.message]).toEqual([400, 'line', 'System prompt (new side) has 2 lines: choose one of them.']);
		expect((await refusal(commentOnReview(t.viewer, t.prompt, t.id, comment({ body: 'x' })))).status).toBe(403);
		expect((await refusal(commentOnReview(t.reviewer, t.prompt, 'not-a-review', comment({ body: 'x' })))).status).toBe(404);
	});

	it('takes comments on a version outside any review, on the version or one of its lines', async () => {
		const t = await proposal();
		await commentOnVersion(t.reviewer, t.prompt, 1, comment({ body: 'The baseline.' }));
		await commentOnVersion(t.reviewer, t.prompt, 1, comment({ body: 'This line.', field: 'template', line: '2' }));
		const { version } = await getVersion(t.viewer, t.prompt, 1);
		const comments = await versionComments(version.id);
		expect(comments.map((c) => [c.body, c.anchor, c.reviewId])).toEqual([
			['The baseline.', null, null],
			['This line.', { field: 'template', side: 'new', line: 2 }, null]
		]);
		expect(commentSchema.safeParse({ body: 'x', field: 'template' }).success).toBe(false);
		expect(commentSchema.safeParse({ body: '   ' }).success).toBe(false);
	});
});
