// Each draft socket's budgets and each room's presence caps, one rule at a time, on a Yjs server in
// the test process with small limits: past its message or byte budget (the answers it asks for
// count) a socket is closed with 4429 and a reason; a socket that does not read is closed as a slow
// consumer (1008); an awareness message with too many entries is closed with 4413; a room shows at
// most so many presences and forgets the ids that left. Everyone else keeps editing.
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import * as encoding from 'lib0/encoding';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { eventually, rawClosed, rawSocket, useYjsServer } from '../helpers/yjs-client';
import { presenceEcho } from '../helpers/yjs-probes';
import { bystanders, newPromptTeam, stillEditing, type PromptTeam } from '../helpers/yjs-team';

const KiB = 1024;
const yjs = useYjsServer({
	limits: {
		messageBurst: 40,
		messagesPerSecond: 10,
		byteBurst: 256 * KiB,
		bytesPerSecond: 32 * KiB,
		maxBufferedBytes: 64 * KiB,
		maxPresenceEntries: 16,
		maxRoomPresence: 3,
		maxRememberedPresence: 4,
		closeGraceMs: 300
	}
});
const client = yjs.client;
/** Budgets no test here exhausts, and a small backlog: only the slow-consumer rule applies. */
const roomy = useYjsServer({
	limits: { messageBurst: 10_000, messagesPerSecond: 10_000, byteBurst: 1024 * 1024 * KiB, bytesPerSecond: 1024 * 1024 * KiB, maxBufferedBytes: 256 * KiB, closeGraceMs: 300 }
});

/** A small message budget that an editor's own messages fit in, and room for everyone's presence. */
const echoing = useYjsServer({ limits: { messageBurst: 10, messagesPerSecond: 2, maxRoomPresence: 10, closeGraceMs: 300 } });

const frame = (write: (encoder: encoding.Encoder) => void) => {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
};
/** An awareness message (type 1) holding these presence entries: client id, clock, state as JSON. */
const presenceFrame = (entries: Array<{ clientId: number; clock: number; state: string }>) =>
	frame((e) => {
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint8Array(
			e,
			frame((a) => {
				encoding.writeVarUint(a, entries.length);
				for (const entry of entries) {
					encoding.writeVarUint(a, entry.clientId);
					encoding.writeVarUint(a, entry.clock);
					encoding.writeVarString(a, entry.state);
				}
			})
		);
	});
const STEP1 = Uint8Array.from([0, 0, 1, 0]);
const QUERY_AWARENESS = Uint8Array.of(3);

/** A raw socket with the editor's cookie, once the server has authorised it (its own step 1 arrived). */
async function authorised(team: PromptTeam): Promise<WebSocket> {
	const socket = rawSocket(yjs.server(), team.promptId, team.editor.cookie);
	await new Promise((resolve) => socket.once('message', resolve));
	return socket;
}


describe('a draft socket’s budgets', () => {
	it('past its message budget a socket is closed with 4429 and a reason; the others keep editing', async () => {
		const team = await newPromptTeam();
		const others = await bystanders(client, team);
		const socket = await authorised(team);
		const closed = rawClosed(socket);
		for (let i = 0; i < 60; i++) socket.send(QUERY_AWARENESS);
		expect(await closed).toEqual({ code: YJS_CLOSE.tooManyMessages, reason: 'Too many messages: at most 10 a second.' });
		await stillEditing(others, 'after-messages');
	});

	it('the answers a socket asks for count in its bytes: sync step 1s on a 20 kB draft are closed with 4429', async () => {
		const team = await newPromptTeam();
		const others = await bystanders(client, team);
		others[0].type('x'.repeat(20_000));
		await eventually(() => others[1].text().length, (n) => n >= 20_000);
		const socket = await authorised(team);
		socket.on('message', () => undefined);
		const closed = rawClosed(socket);
		for (let i = 0; i < 20; i++) socket.send(STEP1);
		expect(await closed).toEqual({ code: YJS_CLOSE.tooManyMessages, reason: 'Too much data: at most 32 KiB a second.' });
		await stillEditing(others, 'after-bytes');
	});

	it('a socket that does not read what it is sent is closed as a slow consumer (1008), and cut', async () => {
		const team = await newPromptTeam();
		const a = roomy.client(team.promptId, team.owner.cookie);
		const b = roomy.client(team.promptId, team.editor.cookie);
		await Promise.all([a.synced(), b.synced()]);
		a.type('y'.repeat(200_000));
		await eventually(() => b.text().length, (n) => n >= 200_000);
		const socket = rawSocket(roomy.server(), team.promptId, team.editor.cookie);
		await new Promise((resolve) => socket.once('message', resolve));
		socket.pause();
		// Every step 1 is answered with the whole 200 kB draft, which this socket never reads.
		for (let i = 0; i < 200 && !roomy.server().yjs.metrics().closes[1008]; i++) {
			socket.send(STEP1);
			await new Promise((resolve) => setTimeout(resolve, 2));
		}
		await eventually(() => roomy.server().yjs.metrics().closes[1008] ?? 0, (n) => n === 1);
		// Cut after the close grace: the server holds nothing more for it.
		await eventually(() => roomy.server().yjs.metrics().connections, (n) => n === 2, 5_000);
		socket.terminate();
		await stillEditing([a, b], 'after-slow');
	});

	it('an awareness message with more entries than any room holds is closed with 4413', async () => {
		const team = await newPromptTeam();
		const socket = await authorised(team);
		const closed = rawClosed(socket);
		socket.send(presenceFrame(Array.from({ length: 1000 }, (_, i) => ({ clientId: 5_000_000 + i, clock: 1, state: '{}' }))));
		expect(await closed).toEqual({ code: YJS_CLOSE.tooLarge, reason: 'Presence (awareness) updates may hold at most 16 entries.' });
	});
});

describe('presence echoes', () => {
	it('editors who send back the presence the room sends them are not closed when someone keeps joining and leaving', async () => {
		const team = await newPromptTeam();
		const others = await bystanders(echoing.client, team);
		// Each visit shows a presence and takes it away: two awareness frames to each bystander, which a
		// y-websocket client sends back, 40 messages each here against a budget of 10 and 2 a second.
		for (let i = 0; i < 20; i++) {
			const socket = rawSocket(echoing.server(), team.promptId, team.viewer.cookie);
			await new Promise((resolve) => socket.once('message', resolve));
			socket.on('message', () => undefined);
			const shown = eventually(() => others[0].provider.awareness.getStates().has(7_000_000 + i), (has) => has);
			socket.send(presenceFrame([{ clientId: 7_000_000 + i, clock: 1, state: JSON.stringify({ user: { name: 'visitor' } }) }]));
			await shown;
			socket.close();
			await eventually(() => others[0].provider.awareness.getStates().has(7_000_000 + i), (has) => !has);
		}
		await stillEditing(others, 'after-visits');
	});

	it('a socket that sends presence on its own still has a budget: 60 awareness messages are closed with 4429', async () => {
		const team = await newPromptTeam();
		const socket = rawSocket(echoing.server(), team.promptId, team.editor.cookie);
		await new Promise((resolve) => socket.once('message', resolve));
		const closed = rawClosed(socket);
		for (let i = 0; i < 60; i++) socket.send(presenceFrame([{ clientId: 8_000_000, clock: i + 1, state: '{}' }]));
		expect(await closed).toEqual({ code: YJS_CLOSE.tooManyMessages, reason: 'Too many messages: at most 2 a second.' });
	});
});

describe('a room’s presence', () => {
	it('shows at most maxRoomPresence client ids; a presence past it is not shown to anyone', async () => {
		const team = await newPromptTeam();
		const present = [client(team.promptId, team.owner.cookie), client(team.promptId, team.editor.cookie), client(team.promptId, team.viewer.cookie)];
		await Promise.all(present.map((c) => c.synced()));
		await Promise.all(present.map((c) => presenceEcho(c)));
		const late = client(team.promptId, team.owner.cookie);
		await late.synced();
		const refusedBefore = yjs.server().yjs.metrics().droppedPresenceClaims;
		late.provider.awareness.setLocalStateField('cursor', 1);
		await eventually(() => yjs.server().yjs.metrics().droppedPresenceClaims, (n) => n > refusedBefore);
		await presenceEcho(present[0]!);
		expect([...present[0]!.provider.awareness.getStates().keys()].sort()).toEqual(present.map((c) => c.doc.clientID).sort());
		// When someone leaves, there is room again.
		present[2]!.destroy();
		await eventually(() => present[0]!.provider.awareness.getStates().has(present[2]!.doc.clientID), (shown) => !shown);
		late.provider.awareness.setLocalStateField('cursor', 2);
		await eventually(() => present[0]!.provider.awareness.getStates().has(late.doc.clientID), (shown) => shown);
	});

	it('forgets the client ids that left once more than maxRememberedPresence are remembered', async () => {
		const team = await newPromptTeam();
		const stay = client(team.promptId, team.owner.cookie);
		await stay.synced();
		await presenceEcho(stay);
		for (let i = 0; i < 12; i++) {
			const visitor = client(team.promptId, team.editor.cookie);
			await visitor.synced();
			await presenceEcho(visitor);
			visitor.destroy();
			await eventually(() => stay.provider.awareness.getStates().has(visitor.doc.clientID), (shown) => !shown);
		}
		// The one present, and at most four that left. A y-websocket client says it left before its socket
		// closes, and the room forgets an id only once its socket is gone: wait for the last close.
		const presenceIds = await eventually(() => yjs.server().yjs.metrics().presenceIds, (ids) => ids <= 1 + 4).catch(() => yjs.server().yjs.metrics().presenceIds);
		expect(presenceIds).toBeLessThanOrEqual(1 + 4);
	});
});
