// The drafts loaded in this process, one DraftDocument per prompt, kept in the runtime (Vite may load
// server code twice in dev; two copies of a draft would each think they are authoritative).
import * as Y from 'yjs';
import { writeDraft } from '$lib/prompt-doc';
import { YJS_LIMITS } from '$lib/realtime/yjs-protocol';
import { logger } from '../logger';
import { notFound } from '../errors';
import { onEvent } from '../domain-events';
import { slot } from '../runtime';
import { DraftDocument, type DraftListener, type DraftSettings } from './document';
import { clusterDraftPeers, type DraftPeers } from './peers';
import { applyStoredDraft, prismaDraftStore, type StoredDraft } from './store';

interface Registry {
	settings: DraftSettings;
	loaded: Map<string, DraftDocument>;
	loading: Map<string, Promise<DraftDocument>>;
}

const DEFAULT_SETTINGS: DraftSettings = {
	store: prismaDraftStore,
	peers: clusterDraftPeers,
	unloadGraceMs: 30_000,
	compactEvery: 200,
	maxDocumentBytes: YJS_LIMITS.maxDocumentBytes
};

const registry = slot('drafts', (): Registry => {
	const created: Registry = { settings: { ...DEFAULT_SETTINGS }, loaded: new Map(), loading: new Map() };
	// A deleted prompt's draft is dropped at once; its open sockets are told (4404).
	onEvent('prompt.deleted', ({ promptId }) => created.loaded.get(promptId)?.close('This prompt was deleted.'));
	return created;
});

/** Changes how drafts are kept (tests: a short grace period, a failing store). Loaded drafts keep theirs. */
export function configureDrafts(settings: Partial<DraftSettings>): DraftSettings {
	const current = registry();
	current.settings = { ...current.settings, ...settings };
	return current.settings;
}

/** A brand-new draft: the prompt's own fields, stored as the first snapshot unless a rival was first. */
async function loadOrSeed(promptId: string, settings: DraftSettings): Promise<StoredDraft> {
	const stored = await settings.store.load(promptId);
	if (stored) return stored;
	const content = await settings.store.promptContent(promptId);
	if (!content) throw notFound('That prompt');
	const seed = new Y.Doc();
	writeDraft(seed, content);
	await settings.store.seed(promptId, Y.encodeStateAsUpdate(seed));
	seed.destroy();
	const won = await settings.store.load(promptId);
	if (!won) throw new Error(`the draft of ${promptId} was seeded but cannot be read back`);
	return won;
}

async function load(promptId: string): Promise<DraftDocument> {
	const reg = registry();
	const settings = reg.settings;
	// Join the other instances first, then read the store: an update stored elsewhere meanwhile is
	// then either in what we read or in a message (applied twice at worst, which Yjs ignores).
	let draft: DraftDocument | null = null;
	const early: Uint8Array[] = [];
	const leavePeers = await settings.peers.join(promptId, {
		update: (update) => (draft ? draft.applyStoredElsewhere(update) : early.push(update)),
		reconnected: () => void draft?.catchUp()
	});
	let stored: StoredDraft;
	try {
		stored = await loadOrSeed(promptId, settings);
	} catch (error) {
		await leavePeers();
		throw error;
	}
	const doc = new Y.Doc();
	applyStoredDraft(doc, stored, 'load');
	// The log rows loaded count as appended: the next compaction folds them too.
	const lastRowId = stored.updates.at(-1)?.id ?? 0n;
	const lastLogId = lastRowId > stored.compactedThrough ? lastRowId : stored.compactedThrough;
	const loaded = new DraftDocument(promptId, doc, lastLogId, stored.updates.length, settings, (gone) => {
		if (reg.loaded.get(promptId) === gone) reg.loaded.delete(promptId);
		void leavePeers();
		logger.debug({ promptId }, 'draft unloaded');
	});
	draft = loaded;
	for (const update of early.splice(0)) loaded.applyStoredElsewhere(update);
	reg.loaded.set(promptId, loaded);
	logger.debug({ promptId, logRows: stored.updates.length }, 'draft loaded');
	return loaded;
}

/**
 * The draft of a prompt, loaded (or seeded) first, and held until `release` is called: a held
 * draft is never unloaded. Throws notFound when there is no such prompt.
 */
export async function acquireDraft(promptId: string, listener?: DraftListener): Promise<DraftDocument> {
	const reg = registry();
	for (;;) {
		const loaded = reg.loaded.get(promptId);
		if (loaded && loaded.state !== 'gone') {
			loaded.hold(listener); // synchronously, so that no unload slips in between
			return loaded;
		}
		let loading = reg.loading.get(promptId);
		if (!loading) {
			loading = load(promptId).finally(() => reg.loading.delete(promptId));
			reg.loading.set(promptId, loading);
		}
		const draft = await loading;
		if (draft.state !== 'gone') {
			draft.hold(listener);
			return draft;
		}
	}
}

/** Holds a draft for the length of `work`, so that it is not unloaded in the middle. */
export async function withDraft<T>(promptId: string, work: (draft: DraftDocument) => Promise<T> | T): Promise<T> {
	const draft = await acquireDraft(promptId);
	try {
		return await work(draft);
	} finally {
		draft.release();
	}
}

/** How this process's drafts reach the other instances (a Yjs room's presence goes the same way). */
export function draftPeers(): DraftPeers {
	return registry().settings.peers;
}

/** Drafts in memory now (tests and metrics). */
export function loadedDraftIds(): string[] {
	return [...registry().loaded.keys()];
}

/** Stores everything pending in every loaded draft and lets running compactions end (shutdown). */
export async function flushDrafts(): Promise<void> {
	await Promise.allSettled([...registry().loaded.values()].map((draft) => draft.settled()));
}

/** The studio is stopping (realtime has closed its rooms): stores what is pending, then lets every draft go, with its timers and peers. */
export async function closeDrafts(): Promise<void> {
	const reg = registry.peek();
	if (!reg) return;
	await Promise.allSettled([...reg.loading.values()]);
	await flushDrafts();
	for (const draft of [...reg.loaded.values()]) draft.stop();
}

/** Unloads every draft nobody holds, now (tests: no waiting for the grace period). */
export async function unloadIdleDrafts(): Promise<void> {
	await Promise.allSettled([...registry().loaded.values()].map((draft) => draft.unload()));
}

