// The Yjs sync server: y-websocket's protocol on y-protocols for yjs 13, as y-websocket's own
// server utilities did, with the app's auth, the drafts domain's persistence, limits, and role
// changes applied to open sockets. A small core with its hooks passed in (authorise, openDraft),
// so tests and a later multi-instance setup can swap them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { YJS_CLOSE, YJS_LIMITS, parseYjsPath } from '$lib/realtime/yjs-protocol';
import { acquireDraft, draftAccess, draftPeers, flushDrafts, type DraftDocument, type DraftListener, type DraftPeers } from '$lib/server/drafts';
import { onEvent, type DomainEvents } from '$lib/server/domain-events';
import { logger } from '$lib/server/logger';
import { authoriseBySession, type Authorise } from './auth';
import { YjsConnection, type ConnectionHost, type YjsCounter } from './connection';
import { SOCKET_LIMITS, type SocketLimits } from './limits';
import { Room } from './room';

export interface YjsServerOptions {
	authorise?: Authorise;
	openDraft?: (promptId: string, listener: DraftListener) => Promise<DraftDocument>;
	/** The other instances' rooms (presence); the drafts' own peers by default. */
	peers?: DraftPeers;
	maxMessageBytes?: number;
	/** Sockets that do not answer a ping within this long are dropped. */
	pingIntervalMs?: number;
	/** Each socket's budgets and each room's presence caps (SOCKET_LIMITS by default). */
	limits?: Partial<SocketLimits>;
}

export interface YjsMetrics {
	connections: number;
	rooms: number;
	/** Document updates sent by viewers, dropped and never applied. */
	droppedViewerUpdates: number;
	/** Presence entries a socket sent to change another socket's (here or elsewhere): dropped, never applied. */
	droppedPresenceClaims: number;
	/** Updates that built on content the server lacked, answered with a fresh sync step 1. */
	resyncRequests: number;
	/** How many sockets the server closed, by close code. */
	closes: Record<number, number>;
	/** Awareness client ids the rooms hold: present, or remembered after they left. */
	presenceIds: number;
}

export class YjsServer implements ConnectionHost {
	readonly maxMessageBytes: number;
	readonly limits: SocketLimits;
	readonly authorise: Authorise;
	private readonly openDraft: (promptId: string, listener: DraftListener) => Promise<DraftDocument>;
	private readonly peers: DraftPeers;
	private readonly wss: WebSocketServer;
	private readonly connections = new Set<YjsConnection>();
	private readonly rooms = new Map<string, Room>();
	private readonly counters: Record<YjsCounter, number> = { droppedViewerUpdates: 0, droppedPresenceClaims: 0, resyncRequests: 0 };
	private readonly closes: Record<number, number> = {};
	private readonly stopListening: () => void;
	private readonly pinger: NodeJS.Timeout;

	constructor(options: YjsServerOptions = {}) {
		this.maxMessageBytes = options.maxMessageBytes ?? YJS_LIMITS.maxMessageBytes;
		this.limits = { ...SOCKET_LIMITS, ...options.limits };
		this.authorise = options.authorise ?? authoriseBySession;
		this.openDraft = options.openDraft ?? acquireDraft;
		this.peers = options.peers ?? draftPeers();
		// ws itself refuses (1009) only frames that could never be a valid draft; between our
		// message limit and that, we close with 4413 and a reason the editor can show.
		this.wss = new WebSocketServer({ noServer: true, maxPayload: YJS_LIMITS.maxDocumentBytes + 64 * 1024 });
		const unsubscribe = [
			onEvent('membership.changed', (event) => this.membershipChanged(event)),
			onEvent('prompt.access.changed', ({ promptId }) => {
				for (const connection of this.connections) if (connection.promptId === promptId) this.recheck(connection);
			}),
			onEvent('session.ended', ({ sessionId }) => {
				for (const connection of [...this.connections]) if (connection.sessionId === sessionId) connection.sessionEnded();
			}),
			onEvent('user.sessions.ended', ({ userId, exceptSessionId }) => {
				for (const connection of [...this.connections]) {
					if (connection.userId === userId && connection.sessionId && connection.sessionId !== exceptSessionId) connection.sessionEnded();
				}
			})
		];
		this.stopListening = () => unsubscribe.forEach((stop) => stop());
		this.pinger = setInterval(() => this.ping(), options.pingIntervalMs ?? 30_000);
		this.pinger.unref();
	}

	/** Takes an upgrade request under /yjs/. The socket is accepted before it is authorised. */
	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		const path = new URL(request.url ?? '/', 'http://localhost').pathname;
		const promptId = parseYjsPath(path);
		this.wss.handleUpgrade(request, socket, head, (ws) => {
			ws.binaryType = 'nodebuffer';
			if (!promptId) {
				this.closed(YJS_CLOSE.malformed);
				ws.close(YJS_CLOSE.malformed, 'The path is not /yjs/<prompt id>.');
				return;
			}
			const connection = new YjsConnection(ws, promptId, request, this);
			this.connections.add(connection);
			ws.on('close', () => this.connections.delete(connection));
		});
	}

	async join(connection: YjsConnection): Promise<Room> {
		let room = this.rooms.get(connection.promptId);
		if (!room) {
			const created = new Room(connection.promptId, (listener) => this.openDraft(connection.promptId, listener), this.peers, this.limits);
			this.rooms.set(connection.promptId, created);
			created.ready.catch(() => {
				if (this.rooms.get(created.promptId) === created) this.rooms.delete(created.promptId);
			});
			room = created;
		}
		room.add(connection);
		try {
			await room.ready;
		} catch (error) {
			room.remove(connection);
			throw error;
		}
		return room;
	}

	leave(connection: YjsConnection): void {
		const room = this.rooms.get(connection.promptId);
		if (room?.remove(connection) === true) {
			this.rooms.delete(connection.promptId);
			room.dispose();
		}
	}

	count(what: YjsCounter, by = 1): void {
		this.counters[what] += by;
	}

	closed(code: number): void {
		this.closes[code] = (this.closes[code] ?? 0) + 1;
	}

	metrics(): YjsMetrics {
		let presenceIds = 0;
		for (const room of this.rooms.values()) presenceIds += room.awareness.meta.size;
		return { connections: this.connections.size, rooms: this.rooms.size, ...this.counters, closes: { ...this.closes }, presenceIds };
	}

	/** Role changes and removals reach open sockets at once; the app's rule is then asked again. */
	private membershipChanged({ workspaceId, userId, role }: DomainEvents['membership.changed']): void {
		for (const connection of this.connections) {
			if (connection.userId !== userId || connection.workspaceId !== workspaceId) continue;
			if (role === null) {
				connection.close(YJS_CLOSE.forbidden, 'You were removed from this workspace.');
				continue;
			}
			connection.setRole(role);
			// A private prompt may be out of sight for the new role (an owner who became an editor).
			this.recheck(connection);
		}
	}

	/** Asks the app's rule again for an open socket: it keeps its place with the current role, or closes. */
	private recheck(connection: YjsConnection): void {
		const { userId, promptId } = connection;
		if (!userId) return;
		draftAccess(userId, promptId).then(
			(access) => {
				if (!access) connection.close(YJS_CLOSE.forbidden, 'You no longer have access to this prompt.');
				else connection.setRole(access.role);
			},
			(error: Error) => logger.error({ err: error, userId, promptId }, 'rechecking draft access failed')
		);
	}

	private ping(): void {
		for (const connection of this.connections) {
			if (!connection.alive) {
				connection.socket.terminate();
				continue;
			}
			connection.alive = false;
			connection.socket.ping();
		}
	}

	/** Closes every socket (clients reconnect to the next server) and stores what is pending. */
	async close(): Promise<void> {
		clearInterval(this.pinger);
		this.stopListening();
		for (const connection of [...this.connections]) connection.close(YJS_CLOSE.goingAway, 'The server is restarting.');
		this.wss.close();
		await flushDrafts();
	}
}
