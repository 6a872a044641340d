// A room: the open sockets of one prompt's draft and their presence (awareness). The room holds
// the draft open while it has sockets and broadcasts each update once the draft has stored it.
// Presence is shared with the other instances' rooms of the prompt through the draft's peers: what
// this room's sockets say goes out, what theirs say comes in, and a new room asks for theirs.
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import type { DraftDocument, DraftListener, DraftPeers } from '$lib/server/drafts';
import { logger } from '$lib/server/logger';
import { awarenessFrame, updateFrame } from './messages';

/** What a room needs of a socket. */
export interface RoomMember {
	send(frame: Uint8Array): void;
	close(code: number, reason: string): void;
}

/** The origin of presence another instance's sockets sent. */
const FROM_PEERS = Symbol('presence from another instance');

export class Room implements DraftListener {
	readonly members = new Map<RoomMember, Set<number>>();
	/** Presence only: never stored, so it lives on a document of its own. */
	readonly awareness = new Awareness(new Y.Doc());
	draft: DraftDocument | null = null;
	ready: Promise<DraftDocument>;

	private readonly leavePeers: Promise<() => Promise<void>>;
	/** Awareness client ids of other instances' sockets (an editor here echoes them: not theirs to claim). */
	private readonly peerClients = new Set<number>();

	constructor(
		readonly promptId: string,
		open: (listener: DraftListener) => Promise<DraftDocument>,
		private readonly peers: DraftPeers
	) {
		this.awareness.setLocalState(null);
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

	/** Removes a socket and its presence; true when the room is now empty. */
	remove(member: RoomMember): boolean {
		const controlled = this.members.get(member);
		if (controlled) {
			this.members.delete(member);
			if (controlled.size) removeAwarenessStates(this.awareness, [...controlled], null);
		}
		return this.members.size === 0;
	}

	/** Whether `member` may speak for this awareness client id: it is not another socket's, here or elsewhere. */
	mayClaim(member: RoomMember, clientId: number): boolean {
		if (this.peerClients.has(clientId)) return false;
		for (const [other, ids] of this.members) if (other !== member && ids.has(clientId)) return false;
		return true;
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

	/** The awareness client ids this instance's sockets control. */
	private localClients(): number[] {
		return [...this.members.values()].flatMap((ids) => [...ids]);
	}

	private publishPresence(clients: number[]): void {
		if (clients.length > 0) this.peers.publishAwareness(this.promptId, encodeAwarenessUpdate(this.awareness, clients));
	}

	private peerPresence(update: Uint8Array): void {
		try {
			applyAwarenessUpdate(this.awareness, update, FROM_PEERS);
		} catch (error) {
			logger.warn({ err: error, promptId: this.promptId }, 'presence from another instance could not be applied; dropped');
		}
	}

	private awarenessChanged = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		const controlled = this.members.get(origin as RoomMember);
		if (controlled) {
			for (const id of added) controlled.add(id);
			for (const id of removed) controlled.delete(id);
		}
		if (origin === FROM_PEERS) for (const id of [...added, ...updated]) this.peerClients.add(id);
		for (const id of removed) this.peerClients.delete(id);
		const changed = [...added, ...updated, ...removed];
		const frame = awarenessFrame(this.awareness, changed);
		for (const member of this.members.keys()) member.send(frame);
		// Not what came from the peers, nor their sockets' presence timing out here (each instance
		// times out the others' on its own; saying so would remove a live socket's presence there).
		if (origin !== FROM_PEERS && origin !== 'timeout') this.publishPresence(changed);
	};
}
