// Presence (awareness) on a draft through the real Yjs sync server with real y-websocket clients:
// a person whose socket drops is shown again as soon as it is back, a person who leaves is gone at
// once, and no other socket may speak for, or remove, a presence that is another socket's.
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { YJS_MESSAGE } from '$lib/realtime/yjs-protocol';
import { useYjsServer, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';

const yjs = useYjsServer();
const client = yjs.client;

/** Where `observer` shows the cursor of the person behind `person`; undefined while absent. */
function cursorOf(observer: TestClient, person: TestClient): unknown {
	return observer.provider.awareness.getStates().get(person.doc.clientID)?.cursor;
}

/** Resolves when `observer` sees the person behind `person` leave. */
function seenLeaving(observer: TestClient, person: TestClient): Promise<void> {
	return new Promise((resolve) => {
		const awareness = observer.provider.awareness;
		awareness.on('change', function left({ removed }: { removed: number[] }) {
			if (!removed.includes(person.doc.clientID)) return;
			awareness.off('change', left);
			resolve();
		});
	});
}

/** The connection drops with no close handshake (a network cut); the provider reconnects by itself. */
function dropSocket(person: TestClient): void {
	(person.provider.ws as unknown as WebSocket).terminate();
}

/** The person closes the tab: the socket closes without a goodbye and never comes back. */
function closeTab(person: TestClient): void {
	person.provider.shouldConnect = false;
	(person.provider.ws as unknown as WebSocket).close();
}

/** Sends a hand-made awareness message on the person's socket: entries under any client id, with any clock (null: leaving). */
function sendPresence(person: TestClient, entries: Array<{ clientId: number; clock: number; state: object | null }>): void {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, entries.length);
	for (const { clientId, clock, state } of entries) {
		encoding.writeVarUint(update, clientId);
		encoding.writeVarUint(update, clock);
		encoding.writeVarString(update, JSON.stringify(state));
	}
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, YJS_MESSAGE.awareness);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	(person.provider.ws as unknown as WebSocket).send(encoding.toUint8Array(frame));
}

describe('presence on a draft', () => {
	it('shows a person again within a second of their socket dropping and reconnecting', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const editor = client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		owner.provider.awareness.setLocalStateField('cursor', 'line 3');
		await expect.poll(() => cursorOf(editor, owner)).toBe('line 3');

		const left = seenLeaving(editor, owner);
		dropSocket(owner); // the client keeps its awareness id and clock, as after any network cut
		await left;
		await expect.poll(() => cursorOf(editor, owner), { timeout: 1000 }).toBe('line 3');
		expect(editor.provider.awareness.getStates().get(owner.doc.clientID)?.user).toEqual({ name: team.owner.user.username });
	});

	it('shows a person who reconnected as gone the moment they close the tab', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const editor = client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		owner.provider.awareness.setLocalStateField('cursor', 'line 3');
		await expect.poll(() => cursorOf(editor, owner)).toBe('line 3');

		dropSocket(owner);
		owner.provider.awareness.setLocalStateField('cursor', 'line 4'); // moved while reconnecting
		await expect.poll(() => cursorOf(editor, owner), { timeout: 1000 }).toBe('line 4');
		closeTab(owner);
		await expect.poll(() => cursorOf(editor, owner), { timeout: 1000 }).toBeUndefined();
	});

	it('shows a person gone the moment their provider is destroyed', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const editor = client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		owner.provider.awareness.setLocalStateField('cursor', 'line 3');
		await expect.poll(() => cursorOf(editor, owner)).toBe('line 3');
		dropSocket(owner);
		owner.provider.awareness.setLocalStateField('cursor', 'line 4');
		await expect.poll(() => cursorOf(editor, owner), { timeout: 1000 }).toBe('line 4');

		owner.destroy();
		await expect.poll(() => cursorOf(editor, owner), { timeout: 1000 }).toBeUndefined();
	});

	it('ignores another socket speaking for or removing a reconnected person’s presence, and counts it', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const forger = client(team.promptId, team.editor.cookie);
		const observer = client(team.promptId, team.viewer.cookie);
		await Promise.all([owner.synced(), forger.synced(), observer.synced()]);
		owner.provider.awareness.setLocalStateField('cursor', 'line 3');
		await expect.poll(() => cursorOf(observer, owner)).toBe('line 3');
		dropSocket(owner);
		owner.provider.awareness.setLocalStateField('cursor', 'line 5');
		await expect.poll(() => cursorOf(observer, owner), { timeout: 1000 }).toBe('line 5');
		await expect.poll(() => cursorOf(forger, owner)).toBe('line 5');
		const refusedBefore = yjs.server().yjs.metrics().droppedPresenceClaims;

		// The forger claims the owner's id with later clocks: first a cursor, then a leave.
		const clock = forger.provider.awareness.meta.get(owner.doc.clientID)!.clock;
		const ownerId = owner.doc.clientID;
		sendPresence(forger, [{ clientId: ownerId, clock: clock + 5, state: { cursor: 'forged' } }]);
		sendPresence(forger, [{ clientId: ownerId, clock: clock + 6, state: null }]);
		forger.provider.awareness.setLocalStateField('cursor', 'forger after'); // on the same socket, after the forgeries
		await expect.poll(() => cursorOf(observer, forger)).toBe('forger after');
		expect(cursorOf(observer, owner)).toBe('line 5');
		expect(yjs.server().yjs.metrics().droppedPresenceClaims).toBe(refusedBefore + 2);

		// The forger leaves: its own presence goes, the owner's stays, and stays the owner's.
		const forgerLeft = seenLeaving(observer, forger);
		forger.destroy();
		await forgerLeft;
		expect(cursorOf(observer, owner)).toBe('line 5');
		owner.provider.awareness.setLocalStateField('cursor', 'line 6');
		await expect.poll(() => cursorOf(observer, owner)).toBe('line 6');
		closeTab(owner);
		await expect.poll(() => cursorOf(observer, owner), { timeout: 1000 }).toBeUndefined();
	});

	it('lets one socket speak for a few awareness ids at most: invented ones past that are dropped and counted', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const observer = client(team.promptId, team.viewer.cookie);
		await Promise.all([owner.synced(), observer.synced()]);
		const refusedBefore = yjs.server().yjs.metrics().droppedPresenceClaims;
		const invented = Array.from({ length: 20 }, (_, i) => ({ clientId: 900_000 + i, clock: 1, state: { cursor: `ghost ${i}` } }));
		sendPresence(owner, invented);
		owner.provider.awareness.setLocalStateField('cursor', 'after the ghosts'); // same socket, after them
		await expect.poll(() => cursorOf(observer, owner)).toBe('after the ghosts');
		const ghosts = [...observer.provider.awareness.getStates().keys()].filter((id) => id >= 900_000 && id < 900_020);
		// The socket's own id is one of its four; three invented ones fit beside it.
		expect(ghosts).toHaveLength(3);
		expect(yjs.server().yjs.metrics().droppedPresenceClaims).toBe(refusedBefore + 17);
	});
});
