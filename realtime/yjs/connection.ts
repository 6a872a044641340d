// One draft socket. It is accepted at once; every message that arrives while the session and the
// role are being checked is queued and handled afterwards, in order (y-websocket's known failure
// is a sync step 1 lost behind asynchronous auth). Then: sync and awareness for everyone, document
// updates only from editors (a viewer's are dropped and counted), presence only for the socket's
// own awareness client ids (the rest is dropped, and attempts to change others' are counted), and a
// clear close code for anything malformed or too large, which harms no other socket. Each socket
// has budgets (limits.ts): messages and bytes per second, the answers it asks for counted in its
// bytes; a socket that does not read what it is sent is closed before its backlog grows.
import type { IncomingMessage } from 'node:http';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { WebSocket } from 'ws';
import { roleAtLeast, type Role } from '$lib/schemas/workspace';
import { YJS_CLOSE, YJS_MESSAGE } from '$lib/realtime/yjs-protocol';
import { isEmptyUpdate } from '$lib/server/drafts';
import { ServiceError } from '$lib/server/errors';
import { logger } from '$lib/server/logger';
import type { Authorise } from './auth';
import { Allowance, SLOW_CONSUMER_CLOSE, type SocketLimits } from './limits';
import { awarenessFrame, syncStep1Frame, syncStep2Frame } from './messages';
import { watchSession } from '../session-watch';
import { presenceEntryCount } from './presence';
import type { Room, RoomMember } from './room';

/** What a connection needs of its server. */
export interface ConnectionHost {
	authorise: Authorise;
	join(connection: YjsConnection): Promise<Room>;
	leave(connection: YjsConnection): void;
	count(what: YjsCounter, by?: number): void;
	closed(code: number): void;
	maxMessageBytes: number;
	limits: SocketLimits;
}

/** What a connection counts on its server's figures. */
export type YjsCounter = 'droppedViewerUpdates' | 'droppedPresenceClaims' | 'resyncRequests';

/** Messages held while authorising, at most (a client sends two or three). */
const MAX_QUEUED = 64;
/** Answered resyncs in a row after which updates still build on content the server lacks: we give up. */
const MAX_RESYNCS = 5;
const CLOSE_REASON_BYTES = 123;

class Malformed extends Error {}

export class YjsConnection implements RoomMember {
	state: 'authorising' | 'open' | 'closed' = 'authorising';
	userId: string | null = null;
	username: string | null = null;
	workspaceId: string | null = null;
	role: Role | null = null;
	/** The sign-in session that opened this socket (its id, the token's hash): it closes when that ends. */
	sessionId: string | null = null;
	/** Document updates this socket sent as a viewer: dropped, never applied. */
	droppedUpdates = 0;
	alive = true;
	private room: Room | null = null;
	private queued = 0;
	private resyncs = 0;
	/**
	 * A sync step 1 we sent is not answered yet. The client's answer (a step 2) holds everything it
	 * had when it read ours, so an update that builds on content we lack meanwhile is in it: no cause
	 * to ask again or to count it (a client coming from an instance that died sends several such
	 * updates before its answer arrives).
	 */
	private awaitingDifference = false;
	private work: Promise<void>;
	/** Messages received and not handled yet. */
	private pending = 0;
	private readonly messages: Allowance;
	private readonly bytes: Allowance;
	/**
	 * Presence (awareness) frames sent to this socket that it has not answered yet. A y-websocket
	 * client sends every awareness update it applies back to the server, other people's included, so
	 * an honest editor's message count grows with the room's traffic, not its own: someone opening
	 * and closing sockets in the room made every other editor's echoes pass the budget, and they were
	 * all closed. Each awareness message takes one of these first and its message point only when
	 * none is left; what a socket is owed is bounded by what the room sent it (capped at the burst),
	 * and its bytes are counted either way.
	 */
	private presenceOwed = 0;
	/** Set when the socket fell behind: nothing more is sent to it while it is being closed. */
	private cutOff = false;
	private stopWatching: (() => void) | null = null;

	constructor(
		readonly socket: WebSocket,
		readonly promptId: string,
		request: IncomingMessage,
		private readonly host: ConnectionHost
	) {
		socket.on('message', (data, isBinary) => this.receive(data as Buffer | ArrayBuffer | Buffer[], isBinary));
		socket.on('close', () => this.dispose());
		socket.on('error', (error) => logger.warn({ err: error, promptId }, 'draft socket error'));
		socket.on('pong', () => (this.alive = true));
		this.messages = new Allowance(host.limits.messageBurst, host.limits.messagesPerSecond);
		this.bytes = new Allowance(host.limits.byteBurst, host.limits.bytesPerSecond);
		this.work = this.authorise(request);
	}

	/** A method, not a field read: TypeScript would keep a narrowing of `state` across awaits. */
	isClosed(): boolean {
		return this.state === 'closed';
	}

	get canWrite(): boolean {
		return this.role !== null && roleAtLeast(this.role, 'editor');
	}

	/** A role change from the workspace: takes effect from the next message on. */
	setRole(role: Role): void {
		this.role = role;
	}

	send(frame: Uint8Array): void {
		if (this.state !== 'open' || this.cutOff || this.socket.readyState !== this.socket.OPEN) return;
		if (this.socket.bufferedAmount + frame.length > this.host.limits.maxBufferedBytes) {
			// Closed once the broadcast that got here is over (closing leaves the room, which broadcasts).
			this.cutOff = true;
			queueMicrotask(() => this.close(SLOW_CONSUMER_CLOSE, 'The connection fell too far behind the draft. Reconnecting…'));
			return;
		}
		if (frame[0] === YJS_MESSAGE.awareness) this.presenceOwed = Math.min(this.presenceOwed + 1, this.host.limits.messageBurst);
		this.socket.send(frame, (error) => {
			if (error) this.close(YJS_CLOSE.goingAway, 'send failed');
		});
	}

	/** One message against the socket's budget: an awareness message answering one it was sent is free. */
	private countMessage(bytes: Uint8Array): boolean {
		if (bytes[0] === YJS_MESSAGE.awareness && this.presenceOwed > 0) {
			this.presenceOwed--;
			return true;
		}
		return this.messages.take(1);
	}

	close(code: number, reason: string): void {
		if (this.state === 'closed') return;
		this.state = 'closed';
		this.host.closed(code);
		if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
			this.socket.close(code, truncate(reason));
			// The close frame waits behind whatever the socket has not read yet: a socket that does not
			// read is cut, and what was waiting for it goes.
			const cut = setTimeout(() => this.socket.terminate(), this.host.limits.closeGraceMs);
			cut.unref();
			this.socket.once('close', () => clearTimeout(cut));
		}
		this.dispose();
	}

	private dispose(): void {
		this.state = 'closed';
		this.stopWatching?.();
		this.stopWatching = null;
		if (this.room) {
			this.room = null;
			this.host.leave(this);
		}
	}

	private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
		if (this.state === 'closed') return;
		const bytes = toBytes(data);
		if (!isBinary) return this.close(YJS_CLOSE.malformed, 'Text frames are not part of the Yjs protocol.');
		if (bytes.length > this.host.maxMessageBytes) {
			return this.close(YJS_CLOSE.tooLarge, `Messages may be at most ${this.host.maxMessageBytes} bytes.`);
		}
		const limits = this.host.limits;
		if (!this.countMessage(bytes)) return this.close(YJS_CLOSE.tooManyMessages, `Too many messages: at most ${limits.messagesPerSecond} a second.`);
		if (!this.charge(bytes.length)) return;
		if (this.state === 'authorising' && ++this.queued > MAX_QUEUED) {
			return this.close(YJS_CLOSE.tooManyMessages, 'Too many messages before the connection was authorised.');
		}
		if (this.pending >= limits.maxPendingMessages) return this.close(YJS_CLOSE.tooManyMessages, 'Too many messages waiting to be handled.');
		this.pending++;
		this.work = this.work.then(async () => {
			try {
				await this.handle(bytes);
			} finally {
				this.pending--;
			}
			// A burst from one socket is handled a message per turn of the event loop: everyone
			// else's requests and messages are served in between.
			if (this.pending > 0) await new Promise((resolve) => setImmediate(resolve));
		});
	}

	/** Counts bytes against the socket's budget (what it sends, and the answers it asks for); closes it when spent. */
	private charge(bytes: number): boolean {
		if (this.bytes.take(bytes)) return true;
		this.close(YJS_CLOSE.tooManyMessages, `Too much data: at most ${Math.round(this.host.limits.bytesPerSecond / 1024)} KiB a second.`);
		return false;
	}

	private async authorise(request: IncomingMessage): Promise<void> {
		try {
			const result = await this.host.authorise(request, this.promptId);
			if (this.isClosed()) return;
			if (!result.ok) return this.close(result.code, result.reason);
			this.userId = result.userId;
			this.username = result.username;
			this.workspaceId = result.access.workspaceId;
			this.role = result.access.role;
			if (result.session) {
				this.sessionId = result.session.id;
				this.stopWatching = watchSession(result.session.id, result.session.expiresAt, () => this.sessionEnded());
			}
			const room = await this.host.join(this);
			this.room = room;
			if (this.isClosed()) return this.dispose();
			this.state = 'open';
			this.askForDifference(room);
			const present = [...room.awareness.getStates().keys()];
			if (present.length) this.send(awarenessFrame(room.awareness, present));
		} catch (error) {
			if (error instanceof ServiceError && error.status === 404) return this.close(YJS_CLOSE.notFound, 'This prompt was deleted.');
			logger.error({ err: error, promptId: this.promptId }, 'opening a draft socket failed');
			this.close(YJS_CLOSE.serverError, 'The draft could not be opened. Try again.');
		}
	}

	/** Signed out, expired or invalidated: nothing more from this socket is applied. */
	sessionEnded(): void {
		this.close(YJS_CLOSE.unauthorized, 'Your session has ended. Sign in again.');
	}

	private askForDifference(room: Room): void {
		this.awaitingDifference = true;
		this.send(syncStep1Frame(room.draft!.stateVector()));
	}

	private async handle(bytes: Uint8Array): Promise<void> {
		if (this.state !== 'open' || !this.room) return;
		try {
			await this.dispatch(bytes, this.room);
		} catch (error) {
			if (error instanceof Malformed) return this.close(YJS_CLOSE.malformed, error.message);
			logger.error({ err: error, promptId: this.promptId }, 'handling a draft message failed');
			this.close(YJS_CLOSE.serverError, 'The server could not handle that message.');
		}
	}

	private async dispatch(bytes: Uint8Array, room: Room): Promise<void> {
		const decoder = decoding.createDecoder(bytes);
		const type = read(() => decoding.readVarUint(decoder));
		switch (type) {
			case YJS_MESSAGE.sync: {
				const step = read(() => decoding.readVarUint(decoder));
				const payload = read(() => decoding.readVarUint8Array(decoder));
				if (step === syncProtocol.messageYjsSyncStep1) {
					const missing = await room.draft!.missingFrom(payload).catch((error: Error) => {
						throw this.state === 'open' ? new Malformed(`Not a state vector (${error.message}).`) : error;
					});
					if (this.state === 'open' && this.charge(missing.length)) this.send(syncStep2Frame(missing));
				} else if (step === syncProtocol.messageYjsSyncStep2 || step === syncProtocol.messageYjsUpdate) {
					if (step === syncProtocol.messageYjsSyncStep2) this.awaitingDifference = false;
					this.receiveUpdate(payload, room);
				} else {
					throw new Malformed(`Unknown sync message ${step}.`);
				}
				return;
			}
			case YJS_MESSAGE.awareness: {
				const claimed = read(() => decoding.readVarUint8Array(decoder));
				const entries = read(() => presenceEntryCount(claimed));
				if (entries > this.host.limits.maxPresenceEntries) {
					return this.close(YJS_CLOSE.tooLarge, `Presence (awareness) updates may hold at most ${this.host.limits.maxPresenceEntries} entries.`);
				}
				const { update, refused } = read(() => room.vouchPresence(this, claimed));
				if (refused > 0) this.host.count('droppedPresenceClaims', refused);
				read(() => awarenessProtocol.applyAwarenessUpdate(room.awareness, update, this));
				return;
			}
			case YJS_MESSAGE.queryAwareness: {
				const answer = awarenessFrame(room.awareness, [...room.awareness.getStates().keys()]);
				if (this.charge(answer.length)) this.send(answer);
				return;
			}
			default:
				throw new Malformed(`Unknown message type ${type}.`);
		}
	}

	private receiveUpdate(update: Uint8Array, room: Room): void {
		if (!this.canWrite) {
			if (!isEmptyUpdate(update)) {
				this.droppedUpdates++;
				this.host.count('droppedViewerUpdates');
			}
			return;
		}
		const outcome = room.draft!.applyClientUpdate(update, this);
		if (outcome.ok) {
			this.resyncs = 0;
			return;
		}
		switch (outcome.problem) {
			case 'too-large':
				return this.close(YJS_CLOSE.tooLarge, `Refused: ${outcome.reason}.`);
			case 'missing-dependencies':
				// Ask for the client's whole difference: its answer to our step 1 holds what we lack.
				if (this.awaitingDifference) return;
				if (++this.resyncs > MAX_RESYNCS) return this.close(YJS_CLOSE.malformed, `Refused: ${outcome.reason}.`);
				this.host.count('resyncRequests');
				return this.askForDifference(room);
			default:
				return this.close(YJS_CLOSE.malformed, `Refused: ${outcome.reason}.`);
		}
	}
}

function read<T>(decode: () => T): T {
	try {
		return decode();
	} catch (error) {
		throw new Malformed(`The message cannot be decoded (${(error as Error).message || 'truncated'}).`);
	}
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A close reason is at most 123 bytes of UTF-8. */
function truncate(reason: string): string {
	let out = reason;
	while (Buffer.byteLength(out) > CLOSE_REASON_BYTES) out = out.slice(0, -2) + '…';
	return out;
}
