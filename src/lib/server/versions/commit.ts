// Commit and rollback. A commit snapshots the server's own copy of the draft (never a client's),
// numbers it under the prompt's row lock (so concurrent commits get 1, 2, 3… with no gap or clash),
// refuses a copy of the latest version, mirrors the content onto prompt_library, and tells every
// open editor through the draft's meta. A rollback writes an old version back into the draft in one
// Yjs transaction; history is never rewritten.
import { readMeta, writeDraft, writeMeta, type DraftContent } from '$lib/prompt-doc';
import { prisma } from '../db';
import { ServiceError, invalid } from '../errors';
import type { Prisma } from '../db';
import { logger } from '../logger';
import type { Member } from '../workspaces';
import { promptOf, requireVersionEditor, type PromptRef } from './access';
import { prepareCommit, toColumns } from './content';
import { changeDraft, readDraftContent, readDraftMeta, updateDraft } from './draft';
import { TX_OPTIONS, lockPrompt, setCurrentVersion } from '../prompts';
import { latestVersion, versionFromForm } from './history';

export type CommitResult =
	| { created: true; version: number; restoredFrom: number | null; message: string }
	| { created: false; version: number; message: string };

async function commitSnapshot(
	member: Member,
	prompt: PromptRef,
	snapshot: DraftContent,
	changeNotes: string,
	restoredFrom: number | null
): Promise<CommitResult> {
	const { content, variables, hash } = prepareCommit(snapshot);
	const db = await prisma();
	const outcome = await db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		const latest = await latestVersion(prompt.id, tx);
		if (latest?.contentHash === hash) return { created: false as const, number: latest.number, restoredFrom: null };
		const source =
			restoredFrom === null
				? null
				: await tx.promptVersion.findUnique({
						where: { promptId_versionNumber: { promptId: prompt.id, versionNumber: restoredFrom } },
						select: { id: true, contentHash: true }
					});
		// A restore is recorded only when what is committed is still exactly the restored version.
		const restoredFromId = source?.contentHash === hash ? source.id : null;
		const columns = { ...toColumns(content), fewShotExamples: content.fewShotExamples as Prisma.InputJsonValue };
		const number = (latest?.number ?? 0) + 1;
		const created = await tx.promptVersion.create({
			data: {
				promptId: prompt.id,
				versionNumber: number,
				...columns,
				parameters: columns.parameters as Prisma.InputJsonValue,
				variables,
				changeNotes,
				contentHash: hash,
				createdById: member.user.id,
				parentVersionId: latest?.id ?? null,
				restoredFromId
			},
			select: { id: true }
		});
		const { parameters: _extra, ...mirrored } = columns;
		await setCurrentVersion(tx, prompt.id, created.id, mirrored);
		return { created: true as const, number, restoredFrom: restoredFromId ? restoredFrom : null };
	}, TX_OPTIONS);

	if (!outcome.created) {
		return { created: false, version: outcome.number, message: `Nothing changed since v${outcome.number}: there is nothing to commit.` };
	}
	await announce(prompt.id, outcome.number);
	return {
		created: true,
		version: outcome.number,
		restoredFrom: outcome.restoredFrom,
		message: outcome.restoredFrom ? `Committed v${outcome.number} (restored from v${outcome.restoredFrom}).` : `Committed v${outcome.number}.`
	};
}

/** Every open editor sees the new version through the draft's meta; a later commit's number is never overwritten by an earlier one. */
async function announce(promptId: string, number: number): Promise<void> {
	try {
		await updateDraft(promptId, (doc) => {
			if ((readMeta(doc).latestVersion ?? 0) <= number) writeMeta(doc, { latestVersion: number, restoredFrom: null });
		});
	} catch (error) {
		// The version is stored; only the live notice failed. Editors see it on their next load.
		logger.error({ err: error, promptId, version: number }, 'could not announce a new version to the draft');
	}
}

/** Commits the live draft as the next version, or says that nothing changed since the latest. */
export async function commitDraft(member: Member, slug: string, message: string): Promise<CommitResult> {
	requireVersionEditor(member, 'Viewers cannot commit versions.');
	const prompt = await promptOf(member, slug);
	const snapshot = await readDraftContent(prompt.id).catch((error: unknown) => {
		// The drafts module refuses a draft past its limits; say what that means here.
		if (error instanceof ServiceError && error.status === 400) throw invalid(`The draft cannot be committed: ${error.message}`);
		throw error;
	});
	const { restoredFrom } = await readDraftMeta(prompt.id);
	return commitSnapshot(member, prompt, snapshot, message, restoredFrom);
}

export interface RestoreResult {
	restored: number;
	commit: CommitResult | null;
	message: string;
}

/**
 * Writes version `number` back into the live draft in one Yjs transaction (minimal edits, so
 * cursors survive) and marks the draft as restored from it; with `commit`, commits that very
 * content at once as "Restore vN".
 */
export async function restoreVersion(member: Member, slug: string, number: number, options: { commit?: boolean } = {}): Promise<RestoreResult> {
	requireVersionEditor(member, 'Viewers cannot restore versions.');
	const prompt = await promptOf(member, slug);
	const source = await versionFromForm(prompt.id, number);
	const restored = await changeDraft(prompt.id, (doc) => {
		writeDraft(doc, source.content);
		writeMeta(doc, { restoredFrom: number });
	});
	if (!options.commit) {
		return { restored: number, commit: null, message: `Restored v${number} into the draft. Commit it to make it a version.` };
	}
	const commit = await commitSnapshot(member, prompt, restored, `Restore v${number}`, number);
	const message = commit.created
		? `Restored v${number} and committed it as v${commit.version}.`
		: `Restored v${number}; it matches v${commit.version}, so nothing new was committed.`;
	return { restored: number, commit, message };
}
