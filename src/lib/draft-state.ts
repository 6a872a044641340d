// Where the live draft stands against the prompt's latest version, in the words the editor shows.
// The comparison is the server's own for "nothing changed" (canonical JSON of the whole content:
// system prompt, template, examples, parameters), so the editor says "No changes since v3" exactly
// when a commit would answer that nothing changed.
import { canonicalJson } from './canonical-json';
import type { DraftContent } from './prompt-doc';

/** The latest version as the page has read it. */
export interface CommittedVersion {
	number: number;
	content: DraftContent;
}

export type DraftState =
	/** No version yet, and nothing written. */
	| { kind: 'empty' }
	/** No version yet; something written. */
	| { kind: 'not-committed' }
	| { kind: 'unchanged'; version: number }
	| { kind: 'changed'; version: number }
	/** A newer version exists than the page has read: it is being fetched. */
	| { kind: 'checking'; version: number };

/**
 * `latestVersion` is what the draft's meta says (it moves the moment anyone commits); `committed`
 * is the version whose content the page holds.
 */
export function draftState(draft: DraftContent, latestVersion: number | null, committed: CommittedVersion | null): DraftState {
	const newest = Math.max(latestVersion ?? 0, committed?.number ?? 0);
	if (newest === 0) {
		const blank: DraftContent = { ...draft, systemPrompt: '', userPromptTemplate: '', fewShotExamples: [] };
		return canonicalJson(draft) === canonicalJson(blank) ? { kind: 'empty' } : { kind: 'not-committed' };
	}
	if (!committed || committed.number < newest) return { kind: 'checking', version: newest };
	return canonicalJson(draft) === canonicalJson(committed.content) ? { kind: 'unchanged', version: newest } : { kind: 'changed', version: newest };
}

export function describeDraftState(state: DraftState): string {
	switch (state.kind) {
		case 'empty':
			return 'Nothing written yet';
		case 'not-committed':
			return 'Not committed yet';
		case 'unchanged':
			return `No changes since v${state.version}`;
		case 'changed':
			return `Uncommitted changes since v${state.version}`;
		case 'checking':
			return `Comparing with v${state.version}…`;
	}
}

/**
 * Whether "restored from vN" still tells something: only while there is something to commit. Once
 * the draft matches the latest version again (edited back, or the latest itself was restored),
 * committing would change nothing, and the notice is stale.
 */
export function restoredNoticeApplies(restoredFrom: number | null, state: DraftState): boolean {
	return restoredFrom !== null && (state.kind === 'changed' || state.kind === 'not-committed');
}
