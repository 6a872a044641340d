// The typed socket.io server of the generation hub: the wire events from the shared contract,
// the events instances send each other, and what the hub keeps on each socket.
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/session-events';
import type { Role } from '$lib/schemas/workspace';

/** A session a socket has joined, with the access it was given (checked again on every action). */
export interface JoinedSession {
	workspaceId: string;
	promptId: string;
	role: Role;
	canRun: boolean;
}

/** Plain data only: with the Redis adapter, other instances read it through fetchSockets(). */
export interface SocketData {
	userId: string;
	username: string;
	/** The sign-in session that opened this socket (its id, the token's hash) and when it expires (ms). */
	authSession: { id: string; expiresAt: number };
	sessions: Record<string, JoinedSession>;
}

export interface InterServerEvents {
	/** A cancel for a group that runs on another instance. */
	'run:cancel': (payload: { sessionId: string; groupId: string; by: string }) => void;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
