// "Saved" on the editor page means stored by the server. The page's follower (draft-saving.ts), on a
// real y-websocket client against the real Yjs sync server, says saved only once the edit is in
// PostgreSQL: not while the store is held, and, for edits made offline, only once the reconnected
// socket's edits are stored.
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { followDraftSaving } from '$lib/components/editor/draft-saving';
import { YJS_MESSAGE } from '$lib/realtime/yjs-protocol';
import { configureDrafts, prismaDraftStore, type DraftStore } from '$lib/server/drafts';
import { prisma } from '../helpers/db';
import { storedTemplate } from '../helpers/instances';
import { eventually, useYjsServer, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';

const yjs = useYjsServer();

/** Every saved / not saved the follower reported, in order, and a promise of the next `true`. */
function followed(client: TestClient) {
	const reports: boolean[] = [];
	let nextSaved: () => void = () => undefined;
	const stop = followDraftSaving(client.provider, client.doc, (saved) => {
		reports.push(saved);
		if (saved) nextSaved();
	}, 10);
	return { reports, stop, saved: () => new Promise<void>((resolve) => (nextSaved = resolve)) };
}

/** Counts the sync step 1 frames the client sends from now on (the follower's questions). */
function countQuestions(client: TestClient): () => number {
	const socket = client.provider.ws!;
	const send = socket.send.bind(socket);
	let asked = 0;
	socket.send = (data: Parameters<typeof send>[0]) => {
		const decoder = decoding.createDecoder(new Uint8Array(data as ArrayBuffer));
		if (decoding.readVarUint(decoder) === YJS_MESSAGE.sync && decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep1) asked++;
		send(data);
	};
	return () => asked;
}

describe('whether this editor’s edits are saved', () => {
	it('says "not saved" at an edit and "saved" only once the server has stored it', async () => {
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let holding = false;
		const gated: DraftStore = {
			...prismaDraftStore,
			append: async (id, updates) => {
				if (holding) await gate;
				return prismaDraftStore.append(id, updates);
			}
		};
		configureDrafts({ store: gated });
		const team = await newPromptTeam();
		const alice = yjs.client(team.promptId, team.owner.cookie);
		const { reports, saved } = followed(alice);
		await alice.synced();
		expect(reports).toEqual([]); // nothing typed yet: saved all along

		holding = true;
		const asked = countQuestions(alice);
		const stored = saved();
		alice.type('held until stored');
		expect(reports).toEqual([false]);
		// The follower asked the server, which cannot answer before the held store is done.
		await eventually(asked, (n) => n >= 1);
		expect(reports).toEqual([false]);
		expect(await (await prisma()).promptDraftUpdate.count({ where: { promptId: team.promptId } })).toBe(0);

		release();
		await stored;
		expect(reports).toEqual([false, true]);
		expect(await storedTemplate(team.promptId)).toBe('held until stored');
	});

	it('edits made offline are "not saved" until the socket is back and the server has stored them', async () => {
		const team = await newPromptTeam();
		const bob = yjs.client(team.promptId, team.editor.cookie);
		const { reports, saved } = followed(bob);
		await bob.synced();
		bob.type('online ');
		await saved();

		(bob.provider.ws as unknown as WebSocket).terminate();
		const back = saved();
		bob.type('typed offline');
		expect(reports.at(-1)).toBe(false);
		await back;
		// Saved was said once the server had it on disk, not merely once the socket was back.
		expect(await storedTemplate(team.promptId)).toBe('online typed offline');
	});

	it('someone else’s edits leave this editor saved', async () => {
		const team = await newPromptTeam();
		const alice = yjs.client(team.promptId, team.owner.cookie);
		const bob = yjs.client(team.promptId, team.editor.cookie);
		const { reports } = followed(bob);
		await Promise.all([alice.synced(), bob.synced()]);
		alice.type('from alice');
		await eventually(() => bob.text(), (text) => text === 'from alice');
		expect(reports).toEqual([]);
	});
});
