// Hub sockets that stop reading. What the hub sends a socket waits in this process's memory until
// the socket reads it, and a session's events are big and shared (one change of its variable values
// is up to a megabyte, queued once for everyone in the room): a client that joins and never reads,
// or reads slower than the session sends, keeps every one of them alive, and answering pings on
// the side keeps it from timing out. The Yjs server closes its slow readers; so does the hub: a
// socket whose connection could not take a write for `stuckMs` is closed.
import { logger } from '$lib/server/logger';
import type { HubServer, HubSocket } from './types';

/** How long a socket's connection may refuse writes (its queue full) before the socket is closed. */
export const SLOW_READER_MS = 15_000;
const CHECK_EVERY_MS = 1_000;

/** Checks this instance's sockets every second; the returned function stops checking. */
export function closeSlowReaders(io: HubServer, stuckMs = SLOW_READER_MS): () => void {
	const stuckSince = new WeakMap<HubSocket, number>();
	const timer = setInterval(
		() => {
			const now = Date.now();
			for (const socket of io.of('/').sockets.values()) {
				// engine.io's transport is writable again once the last write left for the network: a socket
				// that reads keeps it so, and one whose queues are full leaves it unwritable.
				if (socket.conn.transport.writable) {
					stuckSince.delete(socket);
					continue;
				}
				const since = stuckSince.get(socket);
				if (since === undefined) stuckSince.set(socket, now);
				else if (now - since >= stuckMs) {
					logger.warn({ userId: socket.data.userId, stuckMs: now - since }, 'a hub socket stopped reading what it was sent; closing it');
					socket.disconnect(true);
				}
			}
		},
		Math.min(CHECK_EVERY_MS, stuckMs)
	);
	timer.unref();
	return () => clearInterval(timer);
}
