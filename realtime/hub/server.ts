// The socket.io hub of generation sessions, on the app's own HTTP server. A socket is a signed-in
// user (the page's session cookie); it joins sessions it may see, and editors start and cancel runs.
// The runs themselves live in src/lib/server/generation: the hub only forwards their events to the
// session's room and asks the services, fresh, whether each action is allowed.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { MODEL_IDS, type ModelId } from '$lib/models';
import { SESSION_LIMITS, SESSION_SOCKET_PATH, sessionRoom, type RunView, type SessionSnapshot, type TokenEvent, type WaitingEvent } from '$lib/realtime/session-events';
import { shownName, validateSessionToken } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { onEvent } from '$lib/server/domain-events';
import {
	cancelLocalGroup,
	cancelRunGroup,
	changeSessionVariables,
	generationSettings,
	readSessionVariables,
	resyncRun,
	runEvents,
	sessionAccess,
	sessionRunViews,
	sessionStandIns,
	startRuns,
	type SessionAccess
} from '$lib/server/generation';
import { logger } from '$lib/server/logger';
import { isModelConfigured, notConfiguredMessage } from '$lib/server/models';
import { sameOrigin, sessionToken } from '../http-auth';
import { watchSession } from '../session-watch';
import { onClientEvent, Refusal, refuseUnknownEvents } from './client-events';
import { Presence } from './presence';
import { hubRedisLink, type HubRedisLink } from './redis-adapter';
import { closeSlowReaders, SLOW_READER_MS } from './slow-readers';
import type { HubServer, HubSocket } from './types';

export interface HubMetrics {
	connections: number;
	sessions: number;
}

export class GenerationHub {
	readonly io: HubServer;
	private readonly presence: Presence;
	private readonly cleanups: (() => void)[] = [];
	private redisLink: HubRedisLink | null = null;

	constructor(server: HttpServer, options: { slowReaderMs?: number } = {}) {
		this.io = new Server(server, {
			path: SESSION_SOCKET_PATH,
			serveClient: false,
			maxHttpBufferSize: SESSION_LIMITS.maxEventBytes,
			// Other upgrades on this server (Yjs drafts, Vite's HMR) are not ours to end.
			destroyUpgrade: false,
			// A page of another site must not open a socket with our cookie.
			allowRequest: (request, callback) => callback(null, sameOrigin(request))
		});
		this.useRedisAdapter();
		this.presence = new Presence(this.io);
		this.io.use((socket, next) => {
			this.authenticate(socket as HubSocket).then(() => next(), (error: Error) => next(error));
		});
		this.io.on('connection', (socket) => this.welcome(socket));
		this.io.on('run:cancel', ({ sessionId, groupId, by }) => cancelLocalGroup(sessionId, groupId, by));
		this.forwardRunEvents();
		this.watchAccessChanges();
		this.cleanups.push(closeSlowReaders(this.io, options.slowReaderMs ?? SLOW_READER_MS));
	}

	/**
	 * Several instances: rooms and cancels reach every instance through Redis (redis-adapter.ts).
	 * ioredis subscribes again after a reconnect; what was published meanwhile is lost, so the sockets
	 * here are then told to join again (a fresh snapshot from the run log).
	 */
	private useRedisAdapter(): void {
		const url = config().REDIS_URL;
		if (!url) return;
		this.redisLink = hubRedisLink(url, () => {
			logger.info('socket.io redis adapter is back: sockets join their sessions again');
			this.io.local.emit('session:refresh', { reason: 'The studio lost its link to the other instances for a moment.' });
		});
		this.io.adapter(this.redisLink.adapter);
	}

	private async authenticate(socket: HubSocket): Promise<void> {
		const token = sessionToken(socket.request);
		const { user, session } = token ? await validateSessionToken(token) : { user: null, session: null };
		if (!user) throw Object.assign(new Error('Sign in to join generation sessions.'), { data: { code: 'unauthorized' } });
		// Others see the display name (presence, who started a run), else the username.
		socket.data = { userId: user.id, username: shownName(user), authSession: { id: session.id, expiresAt: session.expiresAt.getTime() }, sessions: {} };
	}

	private async access(socket: HubSocket, sessionId: string): Promise<SessionAccess> {
		const access = await sessionAccess({ id: socket.data.userId, username: socket.data.username }, sessionId);
		if (!access) throw new Refusal('not-found', 'That session does not exist, or you may not see it.');
		return access;
	}

	/** Actions need the session joined first, and the access of this moment (roles change). */
	private async joinedAccess(socket: HubSocket, sessionId: string): Promise<SessionAccess> {
		if (!socket.data.sessions[sessionId]) throw new Refusal('forbidden', 'Join the session first.');
		const access = await this.access(socket, sessionId).catch((error) => {
			this.leave(socket, sessionId);
			throw error;
		});
		socket.data.sessions[sessionId] = { workspaceId: access.session.workspaceId, promptId: access.session.promptId, role: access.role, canRun: access.canRun };
		return access;
	}

	private welcome(socket: HubSocket): void {
		refuseUnknownEvents(socket);
		const { id, expiresAt } = socket.data.authSession;
		const stopWatching = watchSession(id, new Date(expiresAt), () => socket.disconnect(true));
		socket.on('disconnect', stopWatching);
		onClientEvent(socket, 'session:join', async ({ sessionId }) => {
			const access = await this.access(socket, sessionId);
			// Into the room before the snapshot is read: a token sent meanwhile reaches this socket
			// and is in the snapshot too, which the client drops by its sequence number. None is lost.
			await socket.join(sessionRoom(sessionId));
			socket.data.sessions[sessionId] = { workspaceId: access.session.workspaceId, promptId: access.session.promptId, role: access.role, canRun: access.canRun };
			this.presence.announce(sessionId);
			const [presence, runs, standIns, variables] = await Promise.all([
				this.presence.participants(sessionId),
				sessionRunViews(sessionId),
				sessionStandIns(),
				readSessionVariables(sessionId)
			]);
			const snapshot: SessionSnapshot = {
				sessionId,
				participants: presence.participants,
				participantTotal: presence.total,
				runs,
				canRun: access.canRun,
				notConfigured: notConfigured(),
				standIns,
				variables
			};
			return snapshot;
		});
		onClientEvent(socket, 'session:leave', ({ sessionId }) => {
			this.leave(socket, sessionId);
			return null;
		});
		onClientEvent(socket, 'run:start', async (request) => startRuns(await this.joinedAccess(socket, request.sessionId), request));
		onClientEvent(socket, 'run:cancel', async ({ sessionId, groupId }) => {
			const access = await this.joinedAccess(socket, sessionId);
			const cancelled = cancelRunGroup(access, groupId);
			// Not here: it may run on another instance, which cancels it when told.
			if (cancelled === 0 && this.redisLink) this.io.serverSideEmit('run:cancel', { sessionId, groupId, by: access.username });
			return { cancelled };
		});
		onClientEvent(socket, 'run:resync', async ({ sessionId, executionId, afterSeq }) => {
			await this.joinedAccess(socket, sessionId);
			return resyncRun(sessionId, executionId, afterSeq);
		});
		onClientEvent(socket, 'variables:set', async ({ sessionId, values }) => {
			const access = await this.joinedAccess(socket, sessionId);
			const revision = await changeSessionVariables(access, values);
			// Everyone else in the room, on every instance (the adapter relays it through Redis); the
			// sender's other tabs are other sockets, so they hear it too.
			socket.to(sessionRoom(sessionId)).emit('variables:changed', { sessionId, values, revision, by: access.username });
			return { revision };
		});
		socket.on('disconnect', () => {
			for (const sessionId of Object.keys(socket.data.sessions ?? {})) this.presence.announce(sessionId);
		});
	}

	private leave(socket: HubSocket, sessionId: string): void {
		delete socket.data.sessions[sessionId];
		void socket.leave(sessionRoom(sessionId));
		this.presence.announce(sessionId);
	}

	private forwardRunEvents(): void {
		const events = runEvents();
		// A run of the prompt API (no session) streams to its HTTP caller only.
		const room = (sessionId: string | null) => (sessionId === null ? null : this.io.to(sessionRoom(sessionId)));
		const started = (run: RunView) => room(run.sessionId)?.emit('run:started', { run });
		const waiting = (event: WaitingEvent) => room(event.sessionId)?.emit('run:waiting', event);
		const token = (event: TokenEvent) => room(event.sessionId)?.emit('run:tokens', event);
		const finished = (run: RunView) => room(run.sessionId)?.emit('run:finished', { run });
		events.on('started', started).on('waiting', waiting).on('token', token).on('finished', finished);
		this.cleanups.push(() => {
			events.off('started', started).off('waiting', waiting).off('token', token).off('finished', finished);
		});
	}

	/**
	 * A member removed or demoted, a prompt made private or deleted: sockets of this instance in the
	 * affected sessions are checked again, and leave the sessions they may no longer see.
	 */
	private watchAccessChanges(): void {
		const recheck = (matches: (socket: HubSocket, sessionId: string) => boolean) => {
			for (const socket of this.io.of('/').sockets.values()) {
				for (const sessionId of Object.keys(socket.data.sessions ?? {})) {
					if (!matches(socket, sessionId)) continue;
					this.joinedAccess(socket, sessionId).then(
						// Still in, maybe with another role: the others see it.
						() => this.presence.announce(sessionId),
						() => socket.emit('session:error', { code: 'forbidden', message: 'You no longer have access to this session.', event: 'session:join' })
					);
				}
			}
		};
		this.cleanups.push(
			onEvent('membership.changed', ({ workspaceId, userId }) =>
				recheck((socket, sessionId) => socket.data.userId === userId && socket.data.sessions[sessionId]?.workspaceId === workspaceId)
			),
			onEvent('prompt.deleted', ({ promptId }) => recheck((socket, sessionId) => socket.data.sessions[sessionId]?.promptId === promptId)),
			onEvent('prompt.access.changed', ({ promptId }) => recheck((socket, sessionId) => socket.data.sessions[sessionId]?.promptId === promptId)),
			// Signed out or invalidated: this instance's sockets of that session go (each instance hears it).
			onEvent('session.ended', ({ sessionId }) => this.disconnectWhere((socket) => socket.data.authSession?.id === sessionId)),
			onEvent('user.sessions.ended', ({ userId, exceptSessionId }) =>
				this.disconnectWhere((socket) => socket.data.userId === userId && socket.data.authSession?.id !== exceptSessionId)
			)
		);
	}

	private disconnectWhere(matches: (socket: HubSocket) => boolean): void {
		for (const socket of [...this.io.of('/').sockets.values()]) if (matches(socket)) socket.disconnect(true);
	}

	metrics(): HubMetrics {
		const rooms = [...this.io.of('/').adapter.rooms.keys()].filter((name) => name.startsWith('session:'));
		return { connections: this.io.of('/').sockets.size, sessions: rooms.length };
	}

	/** Disconnects every socket (clients reconnect elsewhere); the HTTP server is left to its owner. */
	async close(): Promise<void> {
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		this.presence.close();
		// This instance's sockets only: through the Redis adapter a plain disconnectSockets goes to every
		// instance, and waits for its publish while engine.close() below cuts these sockets first.
		this.io.local.disconnectSockets(true);
		this.io.engine.close();
		await this.redisLink?.close();
	}
}

/** Models with no endpoint, each with the plain message of how to add one. */
function notConfigured(): Partial<Record<ModelId, string>> {
	const endpoints = generationSettings().endpoints;
	return Object.fromEntries(MODEL_IDS.filter((id) => !isModelConfigured(id, endpoints)).map((id) => [id, notConfiguredMessage(id)]));
}
