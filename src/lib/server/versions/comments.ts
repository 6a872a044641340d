// Comments on a version, and on one line of a review's diff (part of the prompt + side + line).
// A line comment must point at a line that exists on that side.
import type { DraftContent } from '$lib/prompt-doc';
import type { CommentInput } from '$lib/schemas/versions';
import type { CommentAnchor, CommentEntry } from '$lib/views/versions';
import { prisma } from '../db';
import { invalid } from '../errors';
import type { Member } from '../workspaces';
import { promptOf, requireVersionEditor } from './access';
import { FIELD_TITLES, fieldText, splitLines, type DiffField } from './diff';
import { TX_OPTIONS, lockPrompt } from '../prompts';
import { versionByNumber, type Transaction } from './history';
import { reviewRow } from './reviews';

export type { CommentAnchor, CommentEntry };

const commentSelect = {
	id: true,
	body: true,
	createdAt: true,
	field: true,
	side: true,
	line: true,
	reviewId: true,
	author: { select: { username: true } },
	version: { select: { versionNumber: true } }
} as const;

type CommentRow = {
	id: string;
	body: string;
	createdAt: Date;
	field: string | null;
	side: 'old' | 'new' | null;
	line: number | null;
	reviewId: string | null;
	author: { username: string } | null;
	version: { versionNumber: number };
};

function toEntry(row: CommentRow): CommentEntry {
	const anchor = row.field && row.line ? { field: row.field as DiffField, side: row.side ?? 'new', line: row.line } : null;
	return {
		id: row.id,
		author: row.author?.username ?? null,
		body: row.body,
		createdAt: row.createdAt.toISOString(),
		anchor,
		reviewId: row.reviewId,
		version: row.version.versionNumber
	};
}

export async function versionComments(versionId: string): Promise<CommentEntry[]> {
	const rows = await (await prisma()).reviewComment.findMany({ where: { versionId }, orderBy: { createdAt: 'asc' }, select: commentSelect });
	return rows.map(toEntry);
}

export async function reviewComments(reviewId: string, db?: Transaction): Promise<CommentEntry[]> {
	const rows = await (db ?? (await prisma())).reviewComment.findMany({ where: { reviewId }, orderBy: { createdAt: 'asc' }, select: commentSelect });
	return rows.map(toEntry);
}

/** Refuses an anchor whose line is not in that part of the prompt on that side. */
function checkAnchor(anchor: CommentAnchor, sides: { old: DraftContent | null; new: DraftContent }): void {
	const lines = splitLines(fieldText(sides[anchor.side], anchor.field)).length;
	if (anchor.line > lines) {
		const where = `${FIELD_TITLES[anchor.field]} (${anchor.side} side)`;
		throw invalid(lines === 0 ? `${where} has no lines to comment on.` : `${where} has ${lines} line${lines === 1 ? '' : 's'}: choose one of them.`, 'line');
	}
}

function anchorColumns(anchor: CommentAnchor | null) {
	return anchor ? { field: anchor.field, side: anchor.side, line: anchor.line } : {};
}

/** A comment on a version outside any review; a line comment points at the version's own text. */
export async function commentOnVersion(member: Member, slug: string, number: number, input: CommentInput): Promise<{ id: string }> {
	requireVersionEditor(member, 'Viewers cannot comment.');
	const prompt = await promptOf(member, slug);
	const version = await versionByNumber(prompt.id, number);
	const anchor = input.anchor ? { ...input.anchor, side: 'new' as const } : null;
	if (anchor) checkAnchor(anchor, { old: null, new: version.content });
	return (await prisma()).reviewComment.create({
		data: { versionId: version.id, authorId: member.user.id, body: input.body, ...anchorColumns(anchor) },
		select: { id: true }
	});
}

/** A comment on a review (on the proposal, or on a line of its diff: old = base, new = proposed). */
export async function commentOnReview(member: Member, slug: string, reviewId: string, input: CommentInput): Promise<{ id: string }> {
	requireVersionEditor(member, 'Viewers cannot comment.');
	const prompt = await promptOf(member, slug);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		const review = await reviewRow(tx, prompt.id, reviewId);
		if (input.anchor) {
			const proposed = await versionByNumber(prompt.id, review.version.versionNumber, tx);
			const base = review.baseVersion ? await versionByNumber(prompt.id, review.baseVersion.versionNumber, tx) : null;
			checkAnchor(input.anchor, { old: base?.content ?? null, new: proposed.content });
		}
		return tx.reviewComment.create({
			data: { versionId: review.versionId, reviewId: review.id, authorId: member.user.id, body: input.body, ...anchorColumns(input.anchor) },
			select: { id: true }
		});
	}, TX_OPTIONS);
}
