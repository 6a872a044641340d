// Where drafts are kept: PostgreSQL through Prisma, the `prompt_drafts` snapshot plus the
// `prompt_draft_updates` append log. Behind a small interface so that the registry does not care
// (tests inject a failing store; a Redis fan-out for several instances would wrap this one).
import * as Y from 'yjs';
import { z } from 'zod';
import { draftParametersSchema, fewShotExampleSchema, type DraftContent } from '$lib/prompt-doc';
import { prisma } from '../db';

export interface StoredDraft {
	/** The compacted state. */
	snapshot: Uint8Array;
	/** Highest log id folded into the snapshot. */
	compactedThrough: bigint;
	/** Log rows not yet deleted by a compaction, in id (= apply) order. */
	updates: Array<{ id: bigint; update: Uint8Array }>;
}

export interface DraftStore {
	/** The stored draft, or null when it was never seeded. */
	load(promptId: string): Promise<StoredDraft | null>;
	/** The prompt's own fields, to seed a new draft from; null when the prompt does not exist. */
	promptContent(promptId: string): Promise<DraftContent | null>;
	/** Inserts the first snapshot unless one exists (two seeders: the first wins, both load it). */
	seed(promptId: string, snapshot: Uint8Array): Promise<void>;
	/** Appends updates in order, in one insert; resolves with the highest id written. */
	append(promptId: string, updates: Uint8Array[]): Promise<bigint>;
	/**
	 * Folds into the snapshot `state` and the log rows up to `through`, then deletes those rows,
	 * atomically. The stored snapshot is merged, not replaced: another instance may have folded
	 * rows this one has not received yet.
	 */
	compact(promptId: string, snapshot: Uint8Array, through: bigint): Promise<void>;
	promptExists(promptId: string): Promise<boolean>;
}

/** Yjs hands out plain Uint8Arrays (lib0 encoders allocate ArrayBuffers); Prisma's Bytes asks for that. */
const bytes = (value: Uint8Array) => value as Uint8Array<ArrayBuffer>;

const storedExamples = z.array(fewShotExampleSchema).catch([]);

export const prismaDraftStore: DraftStore = {
	async load(promptId) {
		const db = await prisma();
		// The log first, then the snapshot: a compaction in between then leaves us rows the snapshot
		// also holds (harmless, Yjs updates are idempotent) rather than a gap.
		const rows = await db.promptDraftUpdate.findMany({
			where: { promptId },
			orderBy: { id: 'asc' },
			select: { id: true, update: true }
		});
		const draft = await db.promptDraft.findUnique({ where: { promptId }, select: { snapshot: true, compactedThrough: true } });
		if (!draft) return null;
		// Every row left, even one at or below compactedThrough: with several instances writing, a row
		// may commit after a compaction that took its id as folded (its insert was still running).
		return { snapshot: draft.snapshot, compactedThrough: draft.compactedThrough, updates: rows };
	},

	async promptContent(promptId) {
		const db = await prisma();
		const row = await db.prompt.findUnique({
			where: { id: promptId },
			select: { systemPrompt: true, userPromptTemplate: true, fewShotExamples: true, modelType: true, temperature: true, maxTokens: true }
		});
		if (!row) return null;
		return {
			systemPrompt: row.systemPrompt,
			userPromptTemplate: row.userPromptTemplate,
			fewShotExamples: storedExamples.parse(row.fewShotExamples),
			parameters: draftParametersSchema.parse({ modelType: row.modelType, temperature: row.temperature, maxTokens: row.maxTokens })
		};
	},

	async seed(promptId, snapshot) {
		const db = await prisma();
		// createMany + skipDuplicates is INSERT … ON CONFLICT DO NOTHING.
		await db.promptDraft.createMany({ data: [{ promptId, snapshot: bytes(snapshot) }], skipDuplicates: true });
	},

	async append(promptId, updates) {
		const db = await prisma();
		const rows = await db.promptDraftUpdate.createManyAndReturn({
			data: updates.map((update) => ({ promptId, update: bytes(update) })),
			select: { id: true }
		});
		return rows.reduce((max, row) => (row.id > max ? row.id : max), 0n);
	},

	async compact(promptId, state, through) {
		const db = await prisma();
		await db.$transaction(async (tx) => {
			// The row lock makes instances compacting the same draft take turns.
			const [current] = await tx.$queryRaw<{ snapshot: Uint8Array }[]>`
				SELECT snapshot FROM prompt_drafts WHERE prompt_id = ${promptId}::uuid FOR UPDATE`;
			if (!current) return;
			const rows = await tx.promptDraftUpdate.findMany({ where: { promptId, id: { lte: through } }, orderBy: { id: 'asc' }, select: { update: true } });
			const snapshot = mergeStates([current.snapshot, ...rows.map((row) => row.update), state]);
			await tx.promptDraft.update({ where: { promptId }, data: { snapshot: bytes(snapshot), compactedThrough: through } });
			await tx.promptDraftUpdate.deleteMany({ where: { promptId, id: { lte: through } } });
		});
	},

	async promptExists(promptId) {
		const db = await prisma();
		return (await db.prompt.count({ where: { id: promptId } })) > 0;
	}
};

/** One compact state holding every one of `states` (through a document, so deleted text is collected). */
function mergeStates(states: Uint8Array[]): Uint8Array {
	const doc = new Y.Doc();
	doc.transact(() => {
		for (const state of states) Y.applyUpdate(doc, state);
	});
	const merged = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return merged;
}

/** A stored draft as one Yjs state: the snapshot, then the log in order. */
export function applyStoredDraft(doc: Y.Doc, stored: StoredDraft, origin: unknown): void {
	doc.transact(() => {
		Y.applyUpdate(doc, stored.snapshot, origin);
		for (const row of stored.updates) Y.applyUpdate(doc, row.update, origin);
	}, origin);
}
