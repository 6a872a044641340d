// Who is watching a session: the users behind the sockets in its room, on every instance
// (fetchSockets goes through the adapter). Announcements are coalesced per session, longer in a big
// room, and name at most SESSION_LIMITS.presenceListed people (the rest are a count): each one goes
// to everyone in the room, so a crowd joining would otherwise cost the square of its size.
import { SESSION_LIMITS, sessionRoom, type Participant } from '$lib/realtime/session-events';
import { logger } from '$lib/server/logger';
import type { HubServer, SocketData } from './types';

const ANNOUNCE_AFTER_MS = 150;
/** A room of n sockets waits n × this (at most 2 s) between announcements. */
const ANNOUNCE_MS_PER_SOCKET = 2;
const ANNOUNCE_AFTER_MAX_MS = 2000;

export interface PresenceList {
	participants: Participant[];
	total: number;
}

export class Presence {
	private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
	private closed = false;

	constructor(private readonly io: HubServer) {}

	async participants(sessionId: string): Promise<PresenceList> {
		const room = sessionRoom(sessionId);
		const sockets: { data: SocketData }[] = await this.io
			.in(room)
			.fetchSockets()
			.catch((error: Error) => {
				// The other instances cannot be asked (Redis unreachable, one of them silent): this
				// instance's own sockets still make a list, and a join still succeeds. Read from the room
				// itself: the adapter's fetchSockets asks Redis how many instances there are even when local.
				logger.warn({ err: error.message, sessionId }, "the other instances could not say who is in the session; listing this instance's own");
				const namespace = this.io.of('/');
				return [...(namespace.adapter.rooms.get(room) ?? [])].flatMap((id) => namespace.sockets.get(id) ?? []);
			});
		const byUser = new Map<string, Participant>();
		for (const socket of sockets) {
			const joined = socket.data.sessions?.[sessionId];
			if (!joined) continue;
			const known = byUser.get(socket.data.userId);
			if (known) known.connections++;
			else byUser.set(socket.data.userId, { userId: socket.data.userId, username: socket.data.username, role: joined.role, connections: 1 });
		}
		const rank = { owner: 0, editor: 1, viewer: 2 } as const;
		const everyone = [...byUser.values()].sort((a, b) => rank[a.role] - rank[b.role] || a.username.localeCompare(b.username));
		return { participants: everyone.slice(0, SESSION_LIMITS.presenceListed), total: everyone.length };
	}

	/** Announces the session's participants to its room shortly (once for a burst of changes). */
	announce(sessionId: string): void {
		if (this.closed || this.pending.has(sessionId)) return;
		const roomSize = this.io.of('/').adapter.rooms.get(sessionRoom(sessionId))?.size ?? 0;
		const delay = Math.min(ANNOUNCE_AFTER_MAX_MS, Math.max(ANNOUNCE_AFTER_MS, roomSize * ANNOUNCE_MS_PER_SOCKET));
		const timer = setTimeout(() => {
			this.pending.delete(sessionId);
			this.participants(sessionId)
				.then(({ participants, total }) => {
					if (!this.closed) this.io.to(sessionRoom(sessionId)).emit('session:presence', { sessionId, participants, total });
				})
				.catch((error) => logger.warn({ err: error, sessionId }, 'announcing session presence failed'));
		}, delay);
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
