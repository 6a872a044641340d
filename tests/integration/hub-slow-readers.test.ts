// A hub socket that stops reading is closed once its connection has refused writes for the hub's
// slow-reader time (1 s here, 15 s in the studio): everything queued for it stays in the studio's
// memory while it lives, and one change of a session's variable values is up to a megabyte. A
// socket that reads is never touched, however much the session sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_LIMITS, SESSION_SOCKET_PATH, type VariablesChangedEvent } from '$lib/realtime/session-events';
import { joinedClient, newSessionTeam, okData, request, startTestHub, type HubClientSocket, type TestHub } from '../helpers/hub-client';
import { eventually } from '../helpers/yjs-client';

let hub: TestHub;
const opened: HubClientSocket[] = [];

beforeAll(async () => {
	hub = await startTestHub({ slowReaderMs: 1000 });
});

afterAll(async () => {
	for (const socket of opened) socket.disconnect();
	await hub.close();
});

function client(cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(hub.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
	opened.push(socket);
	return socket;
}

/** The socket's own WebSocket (socket.io-client's websocket transport, in Node the ws package's). */
const webSocketOf = (socket: HubClientSocket) => (socket.io.engine.transport as unknown as { ws: { pause(): void; terminate(): void } }).ws;

/** At most this many changes of ~0.9 MB (about 90 MB): far past what the kernel's socket buffers hold. */
const MOST_CHANGES = 100;

describe('a hub socket that stops reading', () => {
	it('is closed while the session goes on; a socket that reads hears every change', async () => {
		const team = await newSessionTeam();
		const reader = await joinedClient(client(team.viewer.cookie), team.sessionId);
		const heard: VariablesChangedEvent[] = [];
		reader.socket.on('variables:changed', (event) => heard.push(event));
		const stalled = await joinedClient(client(team.editor.cookie), team.sessionId);
		const stalledId = stalled.socket.id!;
		// It stops reading: what the hub sends it piles up in the hub.
		webSocketOf(stalled.socket).pause();
		// Several sockets share the sending, so that no socket's event budget is what stops it.
		const senders = await Promise.all([1, 2, 3, 4].map(() => joinedClient(client(team.owner.cookie), team.sessionId)));
		const values: Record<string, string> = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`v${i}`, 'x'.repeat(SESSION_LIMITS.variableValue)]));
		const stillThere = () => hub.hub.io.of('/').sockets.has(stalledId);

		let sent = 0;
		while (stillThere() && sent < MOST_CHANGES) {
			values.v0 = String(sent).padEnd(SESSION_LIMITS.variableValue, '.');
			okData(await request(senders[sent % senders.length]!.socket, 'variables:set', { sessionId: team.sessionId, values }));
			sent++;
		}
		// Closed after at most a couple of seconds of a full queue: the loop waits that long at most.
		await eventually(stillThere, (there) => !there, 5000).catch(() => undefined);
		expect(stillThere(), `the stalled socket was still open after ${sent} changes of ~0.9 MB`).toBe(false);

		await eventually(() => heard.length, (n) => n === sent, 30_000);
		expect(heard.at(-1)!.values.v0!.startsWith(`${sent - 1}.`)).toBe(true);
		expect(reader.socket.connected).toBe(true);
		// Its connection, closed by the hub, waits for a close handshake it never reads: cut it.
		webSocketOf(stalled.socket).terminate();
	});
});
