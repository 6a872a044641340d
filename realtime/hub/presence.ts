// Who is watching a session: the users behind the sockets in its room, on every instance
// (fetchSockets goes through the adapter). Announcements are coalesced per session, so a crowd
// joining at once costs one presence event per short interval, not one per join times the crowd.
import { sessionRoom, type Participant } from '$lib/realtime/session-events';
import { logger } from '$lib/server/logger';
import type { HubServer } from './types';

const ANNOUNCE_AFTER_MS = 150;

export class Presence {
	private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
	private closed = false;

	constructor(private readonly io: HubServer) {}

	async participants(sessionId: string): Promise<Participant[]> {
		const sockets = await this.io.in(sessionRoom(sessionId)).fetchSockets();
		const byUser = new Map<string, Participant>();
		for (const socket of sockets) {
			const joined = socket.data.sessions?.[sessionId];
			if (!joined) continue;
			const known = byUser.get(socket.data.userId);
			if (known) known.connections++;
			else byUser.set(socket.data.userId, { userId: socket.data.userId, username: socket.data.username, role: joined.role, connections: 1 });
		}
		return [...byUser.values()].sort((a, b) => a.username.localeCompare(b.username));
	}

	/** Announces the session's participants to its room shortly (once for a burst of changes). */
	announce(sessionId: string): void {
		if (this.closed || this.pending.has(sessionId)) return;
		const timer = setTimeout(() => {
			this.pending.delete(sessionId);
			this.participants(sessionId)
				.then((participants) => this.io.to(sessionRoom(sessionId)).emit('session:presence', { sessionId, participants }))
				.catch((error) => logger.warn({ err: error, sessionId }, 'announcing session presence failed'));
		}, ANNOUNCE_AFTER_MS);
		timer.unref();
		this.pending.set(sessionId, timer);
	}

	/** No more announcements: the hub is closing (its sockets' disconnects must not schedule any). */
	close(): void {
		this.closed = true;
		for (const timer of this.pending.values()) clearTimeout(timer);
		this.pending.clear();
	}
}
