// A room: the open sockets of one prompt's draft and their presence (awareness). The room holds
// the draft open while it has sockets and broadcasts each update once the draft has stored it.
import * as Y from 'yjs';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import type { DraftDocument, DraftListener } from '$lib/server/drafts';
import { awarenessFrame, updateFrame } from './messages';

/** What a room needs of a socket. */
export interface RoomMember {
	send(frame: Uint8Array): void;
	close(code: number, reason: string): void;
}

export class Room implements DraftListener {
	readonly members = new Map<RoomMember, Set<number>>();
	/** Presence only: never stored, so it lives on a document of its own. */
	readonly awareness = new Awareness(new Y.Doc());
	draft: DraftDocument | null = null;
	ready: Promise<DraftDocument>;

	constructor(
		readonly promptId: string,
		open: (listener: DraftListener) => Promise<DraftDocument>
	) {
		this.awareness.setLocalState(null);
		this.awareness.on('update', this.awarenessChanged);
		this.ready = open(this).then((draft) => (this.draft = draft));
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

	/** Whether `member` may speak for this awareness client id: it is not another socket's. */
	mayClaim(member: RoomMember, clientId: number): boolean {
		for (const [other, ids] of this.members) if (other !== member && ids.has(clientId)) return false;
		return true;
	}

	/** The room is empty: let the draft go (it unloads after its grace period) and stop presence. */
	dispose(): void {
		this.awareness.off('update', this.awarenessChanged);
		this.awareness.destroy();
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

	private awarenessChanged = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		const controlled = this.members.get(origin as RoomMember);
		if (controlled) {
			for (const id of added) controlled.add(id);
			for (const id of removed) controlled.delete(id);
		}
		const frame = awarenessFrame(this.awareness, [...added, ...updated, ...removed]);
		for (const member of this.members.keys()) member.send(frame);
	};
}
