// The live draft of each prompt: the server's authoritative Yjs document, kept in PostgreSQL as a
// snapshot plus an append log. Routes and services read and change drafts here; realtime/ holds
// them open for sockets. Nothing else touches prompt_drafts or prompt_draft_updates.
import type * as Y from 'yjs';
import { draftContentSchema, readDraft, type DraftContent } from '$lib/prompt-doc';
import { invalid } from '../errors';
import { withDraft } from './registry';

export { draftAccess, type DraftAccess } from './access';
export { SERVER_ORIGIN, STORED_ELSEWHERE, type ApplyOutcome, type DraftDocument, type DraftListener, type DraftSettings } from './document';
export { acquireDraft, closeDrafts, configureDrafts, draftPeers, flushDrafts, loadedDraftIds, unloadIdleDrafts, withDraft } from './registry';
export { clusterDraftPeers, noDraftPeers, type DraftPeerListener, type DraftPeers } from './peers';
export { prismaDraftStore, type DraftStore, type StoredDraft } from './store';
export { isEmptyUpdate } from './validate';

/** The draft's content as the server holds it, validated (a client may have typed anything). */
export async function readDraftContent(promptId: string): Promise<DraftContent> {
	return withDraft(promptId, (draft) => {
		const parsed = draftContentSchema.safeParse(readDraft(draft.doc));
		if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'The draft is not valid.');
		return parsed.data;
	});
}

/**
 * Runs `change` inside one server-origin transaction on the authoritative draft (a rollback's
 * writeDraft, a commit's writeMeta). Resolves once the update is stored; every open editor then
 * receives it.
 */
export async function updateDraft(promptId: string, change: (doc: Y.Doc) => void): Promise<void> {
	await withDraft(promptId, (draft) => draft.change(change));
}
