// A room: the open sockets of one prompt's draft and their presence (awareness). The room holds
// the draft open while it has sockets and broadcasts each update once the draft has stored it.
// Presence is shared with the other instances' rooms of the prompt through the draft's peers: what
// this room's sockets say goes out, what theirs say comes in, and a new room asks for theirs.
// Each awareness client id here is one socket's, and only that socket speaks for it (see claim).
// A room shows at most maxRoomPresence ids, and forgets the ids that left (y-protocols keeps a
// clock for every id it ever saw) once they are old or too many.
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import type { DraftDocument, DraftListener, DraftPeers } from '$lib/server/drafts';
import { logger } from '$lib/server/logger';
import type { SocketLimits } from './limits';
import { awarenessFrame, updateFrame } from './messages';
import { decodePresence, encodePresence, isLeaving, vouchedState, type PresenceEntry } from './presence';

/** What a room needs of a socket. */
export interface RoomMember {
	/** The signed-in user's name: whose presence this socket's is. */
	readonly username: string | null;
	send(frame: Uint8Array): void;
	close(code: number, reason: string): void;
}

/** The origin of presence another instance's sockets sent. */
const FROM_PEERS = Symbol('presence from another instance');
/**
 * Awareness client ids one socket may speak for. A y-websocket client has one; a socket that keeps
 * inventing ids would grow every room member's presence without bound.
 */
const MAX_CLIENT_IDS_PER_SOCKET = 4;

export class Room implements DraftListener {
	/** The sockets, each with the awareness client ids it speaks for. */
	readonly members = new Map<RoomMember, Set<number>>();
	/** Presence only: never stored, so it lives on a document of its own. */
	readonly awareness = new Awareness(new Y.Doc());
	draft: DraftDocument | null = null;
	ready: Promise<DraftDocument>;

	private readonly leavePeers: Promise<() => Promise<void>>;
	/** The socket here that speaks for each awareness client id. */
	private readonly owners = new Map<number, RoomMember>();
	/** Whose presence each client id last showed (vouched, here or by another instance), kept after it left. */
	private readonly people = new Map<number, string>();

	constructor(
		readonly promptId: string,
		open: (listener: DraftListener) => Promise<DraftDocument>,
		private readonly peers: DraftPeers,
		private readonly limits: Pick<SocketLimits, 'maxRoomPresence' | 'maxRememberedPresence' | 'rememberPresenceMs'>
	) {
		this.awareness.setLocalState(null);
		this.awareness.meta.delete(this.awareness.clientID); // the server shows no presence of its own
		this.awareness.on('update', this.awarenessChanged);
		this.ready = open(this).then((draft) => (this.draft = draft));
		this.leavePeers = peers.join(promptId, {
			awareness: (update) => this.peerPresence(update),
			awarenessQuery: () => this.publishPresence(this.localClients())
		});
		void this.leavePeers.then(() => peers.queryAwareness(promptId));
	}

	add(member: RoomMember): void {
		this.members.set(member, new Set());
	}

	/** Removes a socket and its presence (everyone sees it leave at once); true when the room is now empty. */
	remove(member: RoomMember): boolean {
		const owned = this.members.get(member);
		if (owned) {
			this.members.delete(member);
			for (const id of owned) this.owners.delete(id);
			if (owned.size) removeAwarenessStates(this.awareness, [...owned], null);
			this.forgetLeft(); // its ids may have left before it closed, while they were still its own
		}
		return this.members.size === 0;
	}

	/**
	 * What the room takes of a socket's awareness update: the entries for client ids the socket
	 * speaks for (or may claim), vouched for; and how many entries tried to change presence that is
	 * not the socket's (a y-websocket client echoes everyone's entries: an echo would change
	 * nothing, and is not counted). Throws on an update that does not decode.
	 */
	vouchPresence(member: RoomMember, update: Uint8Array): { update: Uint8Array; refused: number } {
		const kept: PresenceEntry[] = [];
		let refused = 0;
		for (const entry of decodePresence(update)) {
			const clock = this.claim(member, entry);
			if (clock === null) {
				if (this.wouldChange(entry)) refused++;
				continue;
			}
			kept.push({ clientId: entry.clientId, clock, state: vouchedState(entry.state, member.username!) });
		}
		return { update: encodePresence(kept), refused };
	}

	/** The room is empty: let the draft go (it unloads after its grace period) and stop presence. */
	dispose(): void {
		this.awareness.off('update', this.awarenessChanged);
		this.awareness.destroy();
		void this.leavePeers.then((leave) => leave());
		this.ready.then(
			(draft) => draft.release(this),
			() => undefined // the socket that opened the room was told why the draft could not load
		);
	}

	/** DraftListener: an update is stored; everyone but its sender hears of it. */
	stored(update: Uint8Array, origin: unknown): void {
		if (this.members.size === 0 || (this.members.size === 1 && this.members.has(origin as RoomMember))) return;
		const frame = updateFrame(update);
		for (const member of this.members.keys()) if (member !== origin) member.send(frame);
	}

	/** DraftListener: the prompt was deleted. */
	gone(reason: string): void {
		for (const member of [...this.members.keys()]) member.close(YJS_CLOSE.notFound, reason);
	}

	/**
	 * The clock to apply `member`'s entry under, or null when the client id is not its to speak for.
	 * An id is the socket's that first speaks for it, until that socket closes; an id another
	 * instance's socket shows is theirs. Once nobody's, only the same person takes it back: that is
	 * a reconnect (y-websocket keeps the client id), not someone echoing a presence that left.
	 */
	private claim(member: RoomMember, entry: PresenceEntry): number | null {
		const owner = this.owners.get(entry.clientId);
		if (owner === member) return entry.clock;
		if (owner || this.awareness.getStates().has(entry.clientId) || isLeaving(entry)) return null;
		const person = this.people.get(entry.clientId);
		const owned = this.members.get(member);
		if ((person !== undefined && person !== member.username) || !owned || owned.size >= MAX_CLIENT_IDS_PER_SOCKET) return null;
		if (this.awareness.getStates().size >= this.limits.maxRoomPresence) return null; // the room is full
		owned.add(entry.clientId);
		this.owners.set(entry.clientId, member);
		// The entry left when the old socket closed, under the clock the client still has: everyone
		// (the client too) ignores that clock now, a later one shows the person again.
		const known = this.awareness.meta.get(entry.clientId)?.clock;
		return known === undefined ? entry.clock : Math.max(entry.clock, known + 1);
	}

	/** Whether applying the entry would change this room's presence; an echo of what it sent would not. */
	private wouldChange(entry: PresenceEntry): boolean {
		const known = this.awareness.meta.get(entry.clientId)?.clock;
		if (known === undefined) return !isLeaving(entry);
		return entry.clock > known || (entry.clock === known && isLeaving(entry) && this.awareness.getStates().has(entry.clientId));
	}

	/** The awareness client ids this instance's sockets speak for. */
	private localClients(): number[] {
		return [...this.owners.keys()];
	}

	private publishPresence(clients: number[]): void {
		if (clients.length > 0) this.peers.publishAwareness(this.promptId, encodeAwarenessUpdate(this.awareness, clients));
	}

	private peerPresence(update: Uint8Array): void {
		try {
			// A client id a socket here speaks for is that socket's word: the client moved here, and
			// what its old instance says of it (its leaving, late) is stale.
			const states = this.awareness.getStates();
			let room = this.limits.maxRoomPresence - states.size;
			const theirs = decodePresence(update).filter(
				(entry) => !this.owners.has(entry.clientId) && (states.has(entry.clientId) || isLeaving(entry) || room-- > 0)
			);
			if (theirs.length) applyAwarenessUpdate(this.awareness, encodePresence(theirs), FROM_PEERS);
		} catch (error) {
			logger.warn({ err: error, promptId: this.promptId }, 'presence from another instance could not be applied; dropped');
		}
	}

	private awarenessChanged = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		for (const id of [...added, ...updated]) {
			const name: unknown = this.awareness.getStates().get(id)?.user?.name;
			if (typeof name === 'string') this.people.set(id, name);
		}
		const changed = [...added, ...updated, ...removed];
		const frame = awarenessFrame(this.awareness, changed);
		for (const member of this.members.keys()) member.send(frame);
		// Not what came from the peers, nor their sockets' presence timing out here (each instance
		// times out the others' on its own; saying so would remove a live socket's presence there).
		if (origin !== FROM_PEERS && origin !== 'timeout') this.publishPresence(changed);
		if (removed.length > 0) this.forgetLeft();
	};

	/**
	 * Forgets client ids that left (their clock in y-protocols' meta, whose they were) once they left
	 * long ago, or, when more are remembered than maxRememberedPresence, the ones that left first. A
	 * reconnect within the memory takes its id back under a later clock (claim); after it, under the
	 * client's own clock.
	 */
	private forgetLeft(): void {
		const { meta } = this.awareness;
		const states = this.awareness.getStates();
		const left = [...meta.entries()].filter(([id]) => !states.has(id) && !this.owners.has(id) && id !== this.awareness.clientID);
		const tooOld = Date.now() - this.limits.rememberPresenceMs;
		const excess = left.length - this.limits.maxRememberedPresence;
		left.sort((a, b) => a[1].lastUpdated - b[1].lastUpdated);
		left.forEach(([id, { lastUpdated }], i) => {
			if (lastUpdated > tooOld && i >= excess) return;
			meta.delete(id);
			this.people.delete(id);
		});
	}
}
