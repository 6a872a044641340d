// Writes to a prompt's prompt_library row that other domains ask for: the prompt's lock, its current
// version, its visibility, moderation and counters. prompts/ owns the table; a caller that needs one of
// these inside its own transaction passes that transaction, so the row and the caller's rows agree.
import type { Visibility } from '$lib/schemas/prompt';
import { prisma, type Prisma } from '../db';

export type Transaction = Prisma.TransactionClient;

/**
 * Serialises every change to one prompt (versions, labels, reviews, comments, publishing, settings):
 * the transactions that change it take its row lock first, one at a time.
 */
export async function lockPrompt(tx: Transaction, promptId: string): Promise<void> {
	await tx.$queryRaw`SELECT id FROM prompt_library WHERE id = ${promptId}::uuid FOR UPDATE`;
}

/** Interactive transactions wait behind the prompt's lock; give a burst of commits room to queue. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** The content columns prompt_library mirrors from its current version. */
export type MirroredContent = Omit<Prisma.PromptUncheckedUpdateInput, 'id' | 'workspaceId' | 'currentVersionId'>;

/** Makes `versionId` the prompt's current version, mirroring its content onto the row. */
export async function setCurrentVersion(tx: Transaction, promptId: string, versionId: string, content: MirroredContent): Promise<void> {
	await tx.prompt.update({ where: { id: promptId }, data: { ...content, currentVersionId: versionId } });
}

/** Sets who may see the prompt (publishing makes it public, and workspace-wide again when it leaves the library). */
export async function setVisibility(tx: Transaction, promptId: string, visibility: Visibility): Promise<void> {
	await tx.prompt.update({ where: { id: promptId }, data: { visibility } });
}

/** Hides the prompt from the library; false when it was hidden already (or is gone). */
export async function hideFromLibrary(tx: Transaction, promptId: string, by: { id: string }, reason: string, at: Date): Promise<boolean> {
	const { count } = await tx.prompt.updateMany({ where: { id: promptId, hiddenAt: null }, data: { hiddenAt: at, hiddenById: by.id, hiddenReason: reason } });
	return count > 0;
}

/** Lifts a hide; false when the prompt was not hidden (or is gone). */
export async function unhideFromLibrary(promptId: string): Promise<boolean> {
	const { count } = await (await prisma()).prompt.updateMany({ where: { id: promptId, hiddenAt: { not: null } }, data: { hiddenAt: null, hiddenById: null, hiddenReason: null } });
	return count > 0;
}

/** Whether a prompt with this id exists (for telling "already so" from "no such prompt"). */
export async function promptExists(promptId: string, tx?: Transaction): Promise<boolean> {
	return (await (tx ?? (await prisma())).prompt.findUnique({ where: { id: promptId }, select: { id: true } })) !== null;
}

/** Records where a fork came from, on the fork's own row. */
export async function markForkedFrom(workspaceId: string, slug: string, origin: { promptId: string; versionId: string }): Promise<{ id: string }> {
	return (await prisma()).prompt.update({
		where: { workspaceId_slug: { workspaceId, slug } },
		data: { forkedFromId: origin.promptId, forkedFromVersionId: origin.versionId },
		select: { id: true }
	});
}

/** Counts one more fork of the origin prompt. */
export async function countFork(promptId: string): Promise<void> {
	await (await prisma()).prompt.updateMany({ where: { id: promptId }, data: { forkCount: { increment: 1 } } });
}

/**
 * Moves the prompt's star count by `delta` (never below zero) and returns it; with delta 0, reads it.
 * One statement, so concurrent stars never lose a count.
 */
export async function changeStarCount(tx: Transaction, promptId: string, delta: -1 | 0 | 1): Promise<number> {
	const rows =
		delta === 0
			? await tx.$queryRaw<Array<{ star_count: number }>>`SELECT star_count FROM prompt_library WHERE id = ${promptId}::uuid`
			: await tx.$queryRaw<Array<{ star_count: number }>>`UPDATE prompt_library SET star_count = GREATEST(star_count + ${delta}::int, 0)
				WHERE id = ${promptId}::uuid RETURNING star_count`;
	return rows[0]?.star_count ?? 0;
}
