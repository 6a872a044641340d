// Labels (production, staging, user-made) point at versions. Every move is recorded in label_moves
// (who, when, from, to, and the review that allowed it), `production` keeps the plan's
// is_deployed/deployed_at in step, and a protected `production` moves only to an approved version.
// This is the one place label moves happen, so the pages and the REST API obey the same rule.
import { PROTECTED_LABEL } from '$lib/schemas/versions';
import type { LabelMoveEntry } from '$lib/views/versions';
import { prisma } from '../db';
import { conflict, forbidden } from '../errors';
import type { Member } from '../workspaces';
import { promptOf, requireVersionEditor } from './access';
import { TX_OPTIONS, lockPrompt } from '../prompts';
import { versionFromForm, type Transaction } from './history';

export const MAX_LABELS_PER_PROMPT = 30;

export interface LabelState {
	name: string;
	version: number;
	updatedAt: string;
	updatedBy: string | null;
}

export type { LabelMoveEntry };

export async function listLabels(promptId: string): Promise<LabelState[]> {
	const rows = await (await prisma()).promptLabel.findMany({
		where: { promptId },
		orderBy: { name: 'asc' },
		select: { name: true, updatedAt: true, version: { select: { versionNumber: true } }, updatedBy: { select: { username: true } } }
	});
	return rows.map((row) => ({
		name: row.name,
		version: row.version.versionNumber,
		updatedAt: row.updatedAt.toISOString(),
		updatedBy: row.updatedBy?.username ?? null
	}));
}

export async function listLabelMoves(promptId: string, take = 100): Promise<LabelMoveEntry[]> {
	const rows = await (await prisma()).labelMove.findMany({
		where: { label: { promptId } },
		orderBy: [{ movedAt: 'desc' }, { id: 'desc' }],
		take,
		select: {
			id: true,
			movedAt: true,
			reviewId: true,
			label: { select: { name: true } },
			fromVersion: { select: { versionNumber: true } },
			toVersion: { select: { versionNumber: true } },
			movedBy: { select: { username: true } }
		}
	});
	return rows.map((row) => ({
		id: row.id,
		label: row.label.name,
		from: row.fromVersion?.versionNumber ?? null,
		to: row.toVersion.versionNumber,
		movedBy: row.movedBy?.username ?? null,
		movedAt: row.movedAt.toISOString(),
		reviewId: row.reviewId
	}));
}

export async function isProductionProtected(workspaceId: string, db?: Transaction): Promise<boolean> {
	const row = await (db ?? (await prisma())).workspace.findUnique({ where: { id: workspaceId }, select: { protectProduction: true } });
	return row?.protectProduction ?? false;
}

/** A review that approved `versionId` for `label` (an approved one, or one merged after approval). */
export async function approvedReviewFor(tx: Transaction, promptId: string, versionId: string, label: string): Promise<string | null> {
	const review = await tx.review.findFirst({
		where: { promptId, versionId, labelName: label, status: { in: ['approved', 'merged'] } },
		orderBy: { updatedAt: 'desc' },
		select: { id: true }
	});
	return review?.id ?? null;
}

interface Move {
	promptId: string;
	workspaceId: string;
	label: string;
	versionId: string;
	versionNumber: number;
	actorId: string;
	/** The approved review this move merges, if it comes from one. */
	reviewId?: string;
}

/**
 * Points a label at a version inside the caller's transaction, which holds the prompt's lock.
 * Refuses a no-op move, a new label past the limit, and an unapproved move of protected production.
 */
export async function moveLabelInTransaction(tx: Transaction, move: Move): Promise<{ from: number | null }> {
	const existing = await tx.promptLabel.findUnique({
		where: { promptId_name: { promptId: move.promptId, name: move.label } },
		select: { id: true, versionId: true, version: { select: { versionNumber: true } } }
	});
	if (existing?.versionId === move.versionId) throw conflict(`${move.label} already points at v${move.versionNumber}.`, 'version');
	let reviewId = move.reviewId ?? null;
	if (move.label === PROTECTED_LABEL && (await isProductionProtected(move.workspaceId, tx))) {
		reviewId ??= await approvedReviewFor(tx, move.promptId, move.versionId, move.label);
		if (!reviewId) {
			throw forbidden(
				`production is protected: it moves only to a version approved in a review. Propose v${move.versionNumber} for production and have it approved first.`
			);
		}
	}
	if (!existing && (await tx.promptLabel.count({ where: { promptId: move.promptId } })) >= MAX_LABELS_PER_PROMPT) {
		throw conflict(`A prompt has at most ${MAX_LABELS_PER_PROMPT} labels.`, 'label');
	}
	const label = existing
		? await tx.promptLabel.update({ where: { id: existing.id }, data: { versionId: move.versionId, updatedById: move.actorId }, select: { id: true } })
		: await tx.promptLabel.create({
				data: { promptId: move.promptId, name: move.label, versionId: move.versionId, updatedById: move.actorId },
				select: { id: true }
			});
	await tx.labelMove.create({
		data: { labelId: label.id, fromVersionId: existing?.versionId ?? null, toVersionId: move.versionId, movedById: move.actorId, reviewId }
	});
	if (move.label === PROTECTED_LABEL) {
		await tx.promptVersion.updateMany({
			where: { promptId: move.promptId, isDeployed: true, id: { not: move.versionId } },
			data: { isDeployed: false }
		});
		await tx.promptVersion.update({ where: { id: move.versionId }, data: { isDeployed: true, deployedAt: new Date() } });
	}
	return { from: existing?.version.versionNumber ?? null };
}

/** Moves (or creates) a label directly: an owner/editor action, subject to production's protection. */
export async function moveLabel(member: Member, slug: string, label: string, versionNumber: number): Promise<{ from: number | null; to: number }> {
	requireVersionEditor(member, 'Viewers cannot move labels.');
	const prompt = await promptOf(member, slug);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		const version = await versionFromForm(prompt.id, versionNumber, tx);
		const { from } = await moveLabelInTransaction(tx, {
			promptId: prompt.id,
			workspaceId: member.workspace.id,
			label,
			versionId: version.id,
			versionNumber,
			actorId: member.user.id
		});
		return { from, to: versionNumber };
	}, TX_OPTIONS);
}

/** Owners turn production's protection on or off for the whole workspace. */
export async function setProductionProtection(member: Member, enabled: boolean): Promise<void> {
	if (member.role !== 'owner') throw forbidden('Only workspace owners can change how production is protected.');
	await (await prisma()).workspace.update({ where: { id: member.workspace.id }, data: { protectProduction: enabled } });
}
