// The drafts loaded in this process, one DraftDocument per prompt, on globalThis (Vite may load
// server code twice in dev; two copies of a draft would each think they are authoritative).
import * as Y from 'yjs';
import { writeDraft } from '$lib/prompt-doc';
import { YJS_LIMITS } from '$lib/realtime/yjs-protocol';
import { logger } from '../logger';
import { notFound } from '../errors';
import { onEvent } from '../events';
import { DraftDocument, type DraftListener, type DraftSettings } from './document';
import { applyStoredDraft, prismaDraftStore, type StoredDraft } from './store';

interface Registry {
	settings: DraftSettings;
	loaded: Map<string, DraftDocument>;
	loading: Map<string, Promise<DraftDocument>>;
}

const REGISTRY = Symbol.for('codetunestudio.drafts');
const globals = globalThis as Record<symbol, Registry | undefined>;

const DEFAULT_SETTINGS: DraftSettings = {
	store: prismaDraftStore,
	unloadGraceMs: 30_000,
	compactEvery: 200,
	maxDocumentBytes: YJS_LIMITS.maxDocumentBytes
};

function registry(): Registry {
	if (!globals[REGISTRY]) {
		const created: Registry = { settings: { ...DEFAULT_SETTINGS }, loaded: new Map(), loading: new Map() };
		globals[REGISTRY] = created;
		// A deleted prompt's draft is dropped at once; its open sockets are told (4404).
		onEvent('prompt.deleted', ({ promptId }) => created.loaded.get(promptId)?.close('This prompt was deleted.'));
	}
	return globals[REGISTRY];
}

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
	const stored = await loadOrSeed(promptId, settings);
	const doc = new Y.Doc();
	applyStoredDraft(doc, stored, 'load');
	// The log rows loaded past the snapshot count as appended: the next compaction folds them too.
	const lastLogId = stored.updates.at(-1)?.id ?? stored.compactedThrough;
	const draft = new DraftDocument(promptId, doc, lastLogId, stored.updates.length, settings, (gone) => {
		if (reg.loaded.get(promptId) === gone) reg.loaded.delete(promptId);
		logger.debug({ promptId }, 'draft unloaded');
	});
	reg.loaded.set(promptId, draft);
	logger.debug({ promptId, logRows: stored.updates.length }, 'draft loaded');
	return draft;
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

/** Drafts in memory now (tests and metrics). */
export function loadedDraftIds(): string[] {
	return [...registry().loaded.keys()];
}

/** Stores everything pending in every loaded draft and lets running compactions end (shutdown). */
export async function flushDrafts(): Promise<void> {
	await Promise.allSettled([...registry().loaded.values()].map((draft) => draft.settled()));
}

/** Unloads every draft nobody holds, now (tests: no waiting for the grace period). */
export async function unloadIdleDrafts(): Promise<void> {
	await Promise.allSettled([...registry().loaded.values()].map((draft) => draft.unload()));
}

