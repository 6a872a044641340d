// Review, the way code review works: propose a version for a label (the base is what the label
// points at now), reviewers read the diff, comment, approve or request changes. The latest verdict
// of each reviewer counts; approved = at least one approval and no outstanding request for changes.
// The proposer cannot give a verdict on their own proposal. Merging moves the label, recording the review.
import { prisma } from '../db';
import type { ReviewStatus, ReviewVerdict } from '$lib/schemas/versions';
import { conflict, forbidden, notFound } from '../errors';
import type { Member } from '../workspaces';
import { promptOf, requireVersionEditor, type PromptRef } from './access';
import { TX_OPTIONS, lockPrompt } from '../prompts';
import { versionFromForm, type Transaction } from './history';
import { moveLabelInTransaction } from './labels';

export type { ReviewStatus, ReviewVerdict };

export interface Verdict {
	reviewer: string | null;
	verdict: ReviewVerdict;
	at: string;
}

export interface ReviewSummary {
	id: string;
	title: string;
	label: string;
	version: number;
	base: number | null;
	status: ReviewStatus;
	proposedBy: string | null;
	createdAt: string;
	approvals: number;
	changeRequests: number;
}

const ACTIVE: ReviewStatus[] = ['open', 'approved', 'changes_requested'];
export const isActive = (status: ReviewStatus) => ACTIVE.includes(status);

/** The status verdicts give an active review: each reviewer's latest verdict counts. */
export function statusFromVerdicts(decisions: { reviewerId: string | null; verdict: ReviewVerdict }[]): {
	status: ReviewStatus;
	approvals: number;
	changeRequests: number;
} {
	const latest = new Map<string, ReviewVerdict>();
	decisions.forEach((d, i) => latest.set(d.reviewerId ?? `gone-${i}`, d.verdict));
	const verdicts = [...latest.values()];
	const approvals = verdicts.filter((v) => v === 'approve').length;
	const changeRequests = verdicts.filter((v) => v === 'request_changes').length;
	const status: ReviewStatus = changeRequests > 0 ? 'changes_requested' : approvals > 0 ? 'approved' : 'open';
	return { status, approvals, changeRequests };
}

const summarySelect = {
	id: true,
	title: true,
	labelName: true,
	status: true,
	createdAt: true,
	version: { select: { versionNumber: true } },
	baseVersion: { select: { versionNumber: true } },
	proposedBy: { select: { username: true } },
	decisions: { orderBy: { createdAt: 'asc' }, select: { reviewerId: true, verdict: true } }
} as const;

type SummaryRow = {
	id: string;
	title: string;
	labelName: string;
	status: ReviewStatus;
	createdAt: Date;
	version: { versionNumber: number };
	baseVersion: { versionNumber: number } | null;
	proposedBy: { username: string } | null;
	decisions: { reviewerId: string | null; verdict: ReviewVerdict }[];
};

export function toSummary(row: SummaryRow): ReviewSummary {
	const { approvals, changeRequests } = statusFromVerdicts(row.decisions);
	return {
		id: row.id,
		title: row.title,
		label: row.labelName,
		version: row.version.versionNumber,
		base: row.baseVersion?.versionNumber ?? null,
		status: row.status,
		proposedBy: row.proposedBy?.username ?? null,
		createdAt: row.createdAt.toISOString(),
		approvals,
		changeRequests
	};
}

export async function listReviews(member: Member, slug: string): Promise<{ prompt: PromptRef; reviews: ReviewSummary[] }> {
	const prompt = await promptOf(member, slug);
	const rows = await (await prisma()).review.findMany({
		where: { promptId: prompt.id },
		orderBy: { createdAt: 'desc' },
		take: 200,
		select: summarySelect
	});
	const reviews = rows.map(toSummary);
	// Active reviews first, newest first within each group.
	return { prompt, reviews: [...reviews.filter((r) => isActive(r.status)), ...reviews.filter((r) => !isActive(r.status))] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A review of this prompt by id (anything else, a malformed id included, is a 404). */
export async function reviewRow(db: Transaction, promptId: string, reviewId: string) {
	const row = UUID.test(reviewId)
		? await db.review.findFirst({
				where: { id: reviewId, promptId },
				select: { ...summarySelect, versionId: true, baseVersionId: true, proposedById: true }
			})
		: null;
	if (!row) throw notFound('That review');
	return row;
}

export async function proposeReview(
	member: Member,
	slug: string,
	input: { version: number; label: string; title: string }
): Promise<{ id: string }> {
	requireVersionEditor(member, 'Viewers cannot propose versions.');
	const prompt = await promptOf(member, slug);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		const version = await versionFromForm(prompt.id, input.version, tx);
		const label = await tx.promptLabel.findUnique({
			where: { promptId_name: { promptId: prompt.id, name: input.label } },
			select: { versionId: true }
		});
		if (label?.versionId === version.id) throw conflict(`${input.label} already points at v${input.version}.`, 'version');
		const open = await tx.review.findFirst({
			where: { promptId: prompt.id, versionId: version.id, labelName: input.label, status: { in: ACTIVE } },
			select: { id: true }
		});
		if (open) throw conflict(`An open review already proposes v${input.version} for ${input.label}.`, 'version');
		return tx.review.create({
			data: {
				promptId: prompt.id,
				versionId: version.id,
				baseVersionId: label?.versionId ?? null,
				labelName: input.label,
				title: input.title || `v${input.version} → ${input.label}`,
				proposedById: member.user.id
			},
			select: { id: true }
		});
	}, TX_OPTIONS);
}

/** Runs a change on an active review under the prompt's lock, so verdicts and a merge never interleave. */
async function onActiveReview<T>(
	member: Member,
	slug: string,
	reviewId: string,
	work: (tx: Transaction, review: Awaited<ReturnType<typeof reviewRow>>, prompt: PromptRef) => Promise<T>
): Promise<T> {
	requireVersionEditor(member, 'Viewers cannot review versions.');
	const prompt = await promptOf(member, slug);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		const review = await reviewRow(tx, prompt.id, reviewId);
		if (!isActive(review.status)) throw conflict(`This review is ${review.status === 'merged' ? 'merged' : 'closed'}.`);
		return work(tx, review, prompt);
	}, TX_OPTIONS);
}

export async function decideReview(member: Member, slug: string, reviewId: string, verdict: ReviewVerdict): Promise<ReviewStatus> {
	return onActiveReview(member, slug, reviewId, async (tx, review) => {
		if (review.proposedById === member.user.id) {
			throw forbidden(
				verdict === 'approve'
					? 'You cannot approve your own proposal: another member has to review it.'
					: 'You cannot request changes on your own proposal: comment, or close it.'
			);
		}
		await tx.reviewDecision.create({ data: { reviewId: review.id, reviewerId: member.user.id, verdict } });
		const decisions = await tx.reviewDecision.findMany({
			where: { reviewId: review.id },
			orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
			select: { reviewerId: true, verdict: true }
		});
		const { status } = statusFromVerdicts(decisions);
		await tx.review.update({ where: { id: review.id }, data: { status } });
		return status;
	});
}

/** Moves the label to the reviewed version; only an approved review merges. */
export async function mergeReview(member: Member, slug: string, reviewId: string): Promise<{ label: string; version: number; from: number | null }> {
	return onActiveReview(member, slug, reviewId, async (tx, review, prompt) => {
		if (review.status !== 'approved') {
			throw conflict(
				review.status === 'changes_requested'
					? 'Changes were requested: this review cannot merge until those reviewers approve.'
					: 'This review needs an approval before it can merge.'
			);
		}
		const { from } = await moveLabelInTransaction(tx, {
			promptId: prompt.id,
			workspaceId: member.workspace.id,
			label: review.labelName,
			versionId: review.versionId,
			versionNumber: review.version.versionNumber,
			actorId: member.user.id,
			reviewId: review.id
		});
		await tx.review.update({ where: { id: review.id }, data: { status: 'merged' } });
		return { label: review.labelName, version: review.version.versionNumber, from };
	});
}

export async function closeReview(member: Member, slug: string, reviewId: string): Promise<void> {
	await onActiveReview(member, slug, reviewId, async (tx, review) => {
		await tx.review.update({ where: { id: review.id }, data: { status: 'closed' } });
	});
}
