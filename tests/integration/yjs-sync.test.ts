// Live co-editing through the real Yjs sync server with real y-websocket clients: many clients
// converge, a dropped socket's offline edits merge, a sync step 1 sent before authorisation ends is
// answered, a draft nobody has open is unloaded and reloaded, compaction changes nothing visible.
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { readDraft, ROOTS } from '$lib/prompt-doc';
import { YJS_MESSAGE } from '$lib/realtime/yjs-protocol';
import { configureDrafts, loadedDraftIds, prismaDraftStore, updateDraft, type DraftStore } from '$lib/server/drafts';
import { authoriseBySession } from '$realtime/yjs/auth';
import { prisma } from '../helpers/db';
import { eventually, rawSocket, startYjsServer, useYjsServer } from '../helpers/yjs-client';
import { presenceEcho } from '../helpers/yjs-probes';
import { newPromptTeam } from '../helpers/yjs-team';

const yjs = useYjsServer();
const client = yjs.client;

async function storedTemplate(promptId: string): Promise<string> {
	const stored = await prismaDraftStore.load(promptId);
	const doc = new Y.Doc();
	Y.applyUpdate(doc, stored!.snapshot);
	for (const row of stored!.updates) Y.applyUpdate(doc, row.update);
	return readDraft(doc).userPromptTemplate;
}

describe('co-editing a draft', () => {
	it('converges when ten clients type at once', async () => {
		const team = await newPromptTeam();
		const people = [team.owner, team.editor];
		const editors = Array.from({ length: 10 }, (_, i) => client(team.promptId, people[i % 2]!.cookie));
		await Promise.all(editors.map((c) => c.synced()));
		for (let round = 0; round < 5; round++) {
			editors.forEach((c, i) => c.type(`[${i}:${round}]`));
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		const expected = editors.flatMap((_, i) => Array.from({ length: 5 }, (_, round) => `[${i}:${round}]`));
		const texts = await eventually(
			() => editors.map((c) => c.text()),
			(all) => all.every((text) => text === all[0] && expected.every((marker) => text.includes(marker)))
		);
		expect(texts[0]!.length).toBe(expected.join('').length);
		await expect.poll(() => storedTemplate(team.promptId)).toBe(texts[0]);
	});

	it('merges the edits a client made offline when its socket comes back', async () => {
		const team = await newPromptTeam();
		const alice = client(team.promptId, team.owner.cookie);
		const bob = client(team.promptId, team.editor.cookie);
		await Promise.all([alice.synced(), bob.synced()]);
		alice.type('shared ');
		await eventually(() => bob.text(), (t) => t === 'shared ');

		// The connection drops (no close handshake); the provider notices and reconnects by itself.
		(bob.provider.ws as unknown as WebSocket).terminate();
		bob.type('offline-bob ');
		alice.type('online-alice ');
		await eventually(() => alice.text(), (t) => t.includes('online-alice'));
		expect(alice.text()).not.toContain('offline-bob');

		const merged = await eventually(
			() => [alice.text(), bob.text()],
			([a, b]) => a === b && a!.includes('offline-bob') && a!.includes('online-alice')
		);
		expect(merged[0]!.startsWith('shared ')).toBe(true);
		await expect.poll(() => storedTemplate(team.promptId)).toBe(merged[0]);
	});

	it('sends an edit to the others only once it is stored', async () => {
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let storing!: () => void;
		const storeAsked = new Promise<void>((resolve) => (storing = resolve));
		const gated: DraftStore = {
			...prismaDraftStore,
			append: async (id, updates) => {
				storing();
				await gate;
				return prismaDraftStore.append(id, updates);
			}
		};
		configureDrafts({ store: gated });
		const team = await newPromptTeam();
		const alice = client(team.promptId, team.owner.cookie);
		const bob = client(team.promptId, team.editor.cookie);
		await Promise.all([alice.synced(), bob.synced()]);
		alice.type('held until stored');
		// The server has applied the edit and is storing it; whatever it sent Bob until now is in
		// once Bob's own presence comes back to him.
		await storeAsked;
		await presenceEcho(bob);
		expect(bob.text()).toBe('');
		expect(await (await prisma()).promptDraftUpdate.count({ where: { promptId: team.promptId } })).toBe(0);
		release();
		await eventually(() => bob.text(), (t) => t === 'held until stored');
		expect(await storedTemplate(team.promptId)).toBe('held until stored');
	});

	it('answers a sync step 1 sent before the socket is authorised', async () => {
		const team = await newPromptTeam();
		await updateDraft(team.promptId, (doc) => doc.getText(ROOTS.template).insert(0, 'already there'));
		let authorising = 0;
		const slow = await startYjsServer({
			authorise: async (request, promptId) => {
				authorising++;
				await new Promise((resolve) => setTimeout(resolve, 300));
				return authoriseBySession(request, promptId);
			}
		});
		try {
			const socket = rawSocket(slow, team.promptId, team.editor.cookie);
			const step2 = new Promise<Uint8Array>((resolve) =>
				socket.on('message', (data: Buffer) => {
					const decoder = decoding.createDecoder(new Uint8Array(data));
					if (decoding.readVarUint(decoder) !== YJS_MESSAGE.sync) return;
					if (decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep2) resolve(decoding.readVarUint8Array(decoder));
				})
			);
			await new Promise((resolve) => socket.once('open', resolve));
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, YJS_MESSAGE.sync);
			syncProtocol.writeSyncStep1(encoder, new Y.Doc());
			socket.send(encoding.toUint8Array(encoder)); // at once: authorisation takes 300 ms
			expect(authorising).toBe(1);
			const doc = new Y.Doc();
			Y.applyUpdate(doc, await step2);
			expect(doc.getText(ROOTS.template).toString()).toBe('already there');
			socket.close();
		} finally {
			await slow.close();
		}
	});

	it('shows a server change (a rollback) to every open editor at once', async () => {
		const team = await newPromptTeam();
		const editors = [client(team.promptId, team.owner.cookie), client(team.promptId, team.editor.cookie), client(team.promptId, team.viewer.cookie)];
		await Promise.all(editors.map((editor) => editor.synced()));
		editors[0]!.type('draft text');
		await eventually(() => editors.map((editor) => editor.text()), (all) => all.every((t) => t === 'draft text'));
		await updateDraft(team.promptId, (doc) => {
			const text = doc.getText(ROOTS.template);
			text.delete(0, text.length);
			text.insert(0, 'restored text');
		});
		// The change was stored and sent to every socket before updateDraft returned: the next frame
		// each socket gets comes after it, and each client's own document already shows it.
		await Promise.all(editors.map((editor) => presenceEcho(editor)));
		expect(editors.map((editor) => editor.text())).toEqual(['restored text', 'restored text', 'restored text']);
	});

	it('unloads a draft after the last editor leaves and reloads it from the database', async () => {
		configureDrafts({ unloadGraceMs: 100 });
		const team = await newPromptTeam();
		const alice = client(team.promptId, team.owner.cookie);
		await alice.synced();
		alice.type('written before leaving');
		await expect.poll(() => storedTemplate(team.promptId)).toBe('written before leaving');
		alice.destroy();
		await expect.poll(() => loadedDraftIds().includes(team.promptId), { timeout: 5000 }).toBe(false);
		expect(await (await prisma()).promptDraftUpdate.count({ where: { promptId: team.promptId } })).toBe(0);

		const bob = client(team.promptId, team.editor.cookie);
		await bob.synced();
		expect(bob.text()).toBe('written before leaving');
		expect(loadedDraftIds()).toContain(team.promptId);
	});

	it('keeps the content identical through compaction while people type', async () => {
		configureDrafts({ compactEvery: 10 });
		const team = await newPromptTeam();
		const alice = client(team.promptId, team.owner.cookie);
		const bob = client(team.promptId, team.editor.cookie);
		await Promise.all([alice.synced(), bob.synced()]);
		for (let i = 0; i < 40; i++) {
			(i % 2 ? alice : bob).type(String(i % 10));
			if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		}
		const text = (await eventually(() => [alice.text(), bob.text()], ([a, b]) => a === b && a!.length === 40))[0]!;
		await expect.poll(() => storedTemplate(team.promptId)).toBe(text);
		const draft = await (await prisma()).promptDraft.findUniqueOrThrow({ where: { promptId: team.promptId } });
		expect(draft.compactedThrough).toBeGreaterThan(0n);
		expect(await (await prisma()).promptDraftUpdate.count({ where: { promptId: team.promptId } })).toBeLessThan(40);
	});
});
