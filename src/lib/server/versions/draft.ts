// The versions domain's one door to the live draft: the server's authoritative copy, read and
// changed only through the drafts module (never from what a client sends).
import type * as Y from 'yjs';
import { readDraft, readMeta, type DraftContent, type DraftMeta } from '$lib/prompt-doc';
import { readDraftContent, updateDraft } from '../drafts';

export { readDraftContent, updateDraft };

/**
 * The draft's meta (latest version, pending restore). Read inside a transaction that changes
 * nothing: Yjs emits no update for it, so nothing is stored or broadcast.
 */
export async function readDraftMeta(promptId: string): Promise<DraftMeta> {
	let meta: DraftMeta = { latestVersion: null, restoredFrom: null };
	await updateDraft(promptId, (doc) => {
		meta = readMeta(doc);
	});
	return meta;
}

/** Runs `change` on the authoritative draft and hands back its content right after, from the same transaction. */
export async function changeDraft(promptId: string, change: (doc: Y.Doc) => void): Promise<DraftContent> {
	let after: DraftContent | null = null;
	await updateDraft(promptId, (doc) => {
		change(doc);
		after = readDraft(doc);
	});
	if (!after) throw new Error('The draft was not changed.');
	return after;
}
