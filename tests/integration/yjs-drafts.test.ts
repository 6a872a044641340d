// The server's copy of each draft (src/lib/server/drafts): seeded from the prompt, changed in
// server transactions, appended to the log before anyone hears of it, compacted, unloaded, reloaded.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readDraft, writeDraft, writeMeta, readMeta, ROOTS } from '$lib/prompt-doc';
import {
	acquireDraft,
	configureDrafts,
	loadedDraftIds,
	prismaDraftStore,
	readDraftContent,
	unloadIdleDrafts,
	updateDraft,
	type DraftStore
} from '$lib/server/drafts';
import { prisma } from '../helpers/db';
import { newPromptTeam } from '../helpers/yjs-team';

const defaults = configureDrafts({});
afterEach(() => {
	configureDrafts(defaults);
});

async function logRows(promptId: string): Promise<number> {
	return (await prisma()).promptDraftUpdate.count({ where: { promptId } });
}

/** The draft as a fresh process would load it: snapshot plus log, straight from the database. */
async function storedDoc(promptId: string): Promise<Y.Doc> {
	const stored = await prismaDraftStore.load(promptId);
	const doc = new Y.Doc();
	if (stored) {
		Y.applyUpdate(doc, stored.snapshot);
		for (const row of stored.updates) Y.applyUpdate(doc, row.update);
	}
	return doc;
}

describe('the live draft on the server', () => {
	it('is seeded from the prompt’s own fields the first time it is read', async () => {
		const { promptId } = await newPromptTeam();
		await (await prisma()).prompt.update({
			where: { id: promptId },
			data: {
				systemPrompt: 'You are a careful reviewer.',
				userPromptTemplate: 'Review {{code}}',
				fewShotExamples: [{ input: 'a', output: 'b' }],
				temperature: 0.2,
				maxTokens: 512
			}
		});
		const content = await readDraftContent(promptId);
		expect(content).toEqual({
			systemPrompt: 'You are a careful reviewer.',
			userPromptTemplate: 'Review {{code}}',
			fewShotExamples: [{ input: 'a', output: 'b' }],
			parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 512 }
		});
		expect(readDraft(await storedDoc(promptId)).systemPrompt).toBe('You are a careful reviewer.');
	});

	it('is seeded once when two processes seed it at the same time', async () => {
		const { promptId } = await newPromptTeam();
		const seed = (text: string) => {
			const doc = new Y.Doc();
			writeDraft(doc, { systemPrompt: text, userPromptTemplate: '', fewShotExamples: [], parameters: { modelType: 'm', temperature: 1, maxTokens: 1 } });
			return prismaDraftStore.seed(promptId, Y.encodeStateAsUpdate(doc));
		};
		await Promise.all([seed('first'), seed('second')]);
		const drafts = await (await prisma()).promptDraft.findMany({ where: { promptId } });
		expect(drafts).toHaveLength(1);
		expect(['first', 'second']).toContain(readDraft(await storedDoc(promptId)).systemPrompt);
	});

	it('stores a server change before updateDraft resolves', async () => {
		const { promptId } = await newPromptTeam();
		await updateDraft(promptId, (doc) => {
			doc.getText(ROOTS.template).insert(0, 'Explain {{topic}}');
			writeMeta(doc, { latestVersion: 3 });
		});
		const stored = await storedDoc(promptId);
		expect(readDraft(stored).userPromptTemplate).toBe('Explain {{topic}}');
		expect(readMeta(stored).latestVersion).toBe(3);
		expect((await readDraftContent(promptId)).userPromptTemplate).toBe('Explain {{topic}}');
	});

	it('refuses to read a draft over the content limits with a message', async () => {
		const { promptId } = await newPromptTeam();
		await updateDraft(promptId, (doc) => doc.getText(ROOTS.system).insert(0, 'x'.repeat(20_001)));
		await expect(readDraftContent(promptId)).rejects.toThrow('The system prompt is over 20000 characters.');
	});

	it('batches the updates of one tick into one insert, in apply order', async () => {
		const { promptId } = await newPromptTeam();
		const draft = await acquireDraft(promptId);
		try {
			const before = await logRows(promptId);
			const client = new Y.Doc();
			Y.applyUpdate(client, Y.encodeStateAsUpdate(draft.doc));
			const updates: Uint8Array[] = [];
			client.on('update', (u: Uint8Array) => updates.push(u));
			for (const word of ['one ', 'two ', 'three ']) client.getText(ROOTS.template).insert(client.getText(ROOTS.template).length, word);
			for (const update of updates) expect(draft.applyClientUpdate(update, 'client')).toEqual({ ok: true, changed: true });
			await draft.stored();
			expect(await logRows(promptId)).toBe(before + 3);
			expect(readDraft(await storedDoc(promptId)).userPromptTemplate).toBe('one two three ');
		} finally {
			draft.release();
		}
	});

	it('compacts the log into the snapshot with identical content', async () => {
		const { promptId } = await newPromptTeam();
		configureDrafts({ compactEvery: 5 });
		for (let i = 0; i < 12; i++) await updateDraft(promptId, (doc) => doc.getText(ROOTS.template).insert(i, String(i % 10)));
		const draft = await acquireDraft(promptId);
		try {
			await draft.compact();
			expect(await logRows(promptId)).toBe(0);
			const row = await (await prisma()).promptDraft.findUniqueOrThrow({ where: { promptId } });
			expect(row.compactedThrough).toBeGreaterThan(0n);
			expect(readDraft(await storedDoc(promptId))).toEqual(readDraft(draft.doc));
			expect(readDraft(draft.doc).userPromptTemplate).toBe('012345678901');
		} finally {
			draft.release();
		}
	});

	it('folds the log rows it found on load (a crash left them) at the next compaction', async () => {
		const { promptId } = await newPromptTeam();
		await readDraftContent(promptId); // seeded
		await unloadIdleDrafts();
		// What a process that crashed before compacting leaves: rows in the log past the snapshot.
		const writer = new Y.Doc();
		Y.applyUpdate(writer, (await prismaDraftStore.load(promptId))!.snapshot);
		const rows: Uint8Array[] = [];
		writer.on('update', (update: Uint8Array) => rows.push(update));
		writer.getText(ROOTS.template).insert(0, 'crash ');
		writer.getText(ROOTS.template).insert(0, 'after a ');
		await prismaDraftStore.append(promptId, rows);
		expect(await logRows(promptId)).toBe(2);
		const draft = await acquireDraft(promptId);
		try {
			expect(readDraft(draft.doc).userPromptTemplate.startsWith('after a crash ')).toBe(true);
			await draft.compact();
			expect(await logRows(promptId)).toBe(0);
			expect(readDraft(await storedDoc(promptId))).toEqual(readDraft(draft.doc));
		} finally {
			draft.release();
		}
	});

	it('unloads a draft nobody holds after the grace period and reloads it from the database', async () => {
		const { promptId } = await newPromptTeam();
		configureDrafts({ unloadGraceMs: 50 });
		await updateDraft(promptId, (doc) => doc.getText(ROOTS.system).insert(0, 'kept'));
		expect(loadedDraftIds()).toContain(promptId);
		await expect.poll(() => loadedDraftIds().includes(promptId), { timeout: 5000 }).toBe(false);
		expect(await logRows(promptId)).toBe(0); // unloading compacts
		expect((await readDraftContent(promptId)).systemPrompt).toBe('kept');
	});

	it('keeps updates in memory while storing fails and stores them once it works again', async () => {
		const { promptId } = await newPromptTeam();
		let failures = 2;
		const heard: string[] = [];
		/** What the listener had heard when each store of this draft began. */
		const heardAtEachTry: string[][] = [];
		const flaky: DraftStore = {
			...prismaDraftStore,
			append: (id, updates) => {
				if (id !== promptId) return prismaDraftStore.append(id, updates);
				heardAtEachTry.push([...heard]);
				return failures-- > 0 ? Promise.reject(new Error('database unavailable')) : prismaDraftStore.append(id, updates);
			}
		};
		configureDrafts({ store: flaky });
		const draft = await acquireDraft(promptId, { stored: () => heard.push('stored'), gone: () => heard.push('gone') });
		try {
			await updateDraft(promptId, (doc) => doc.getText(ROOTS.template).insert(0, 'survives'));
			// Two failed stores, then one that worked: nothing was broadcast before it was stored.
			expect(heardAtEachTry).toEqual([[], [], []]);
			expect(heard).toEqual(['stored']);
			expect(failures).toBeLessThan(0);
			expect(readDraft(await storedDoc(promptId)).userPromptTemplate).toBe('survives');
		} finally {
			draft.release();
		}
	});

	it('refuses a draft of a prompt that does not exist', async () => {
		await expect(readDraftContent('01890a5d-ac96-774b-bcce-b302099a8057')).rejects.toThrow('That prompt was not found.');
	});

	it('unloads on demand, storing and compacting first', async () => {
		const { promptId } = await newPromptTeam();
		await updateDraft(promptId, (doc) => doc.getText(ROOTS.template).insert(0, 'x'));
		await unloadIdleDrafts();
		expect(loadedDraftIds()).not.toContain(promptId);
		expect(readDraft(await storedDoc(promptId)).userPromptTemplate).toBe('x');
	});
});
