// Presence is the client's to describe (cursor, colour) but not who it is: the server vouches for
// each awareness entry a socket sends. Which client ids a socket may speak for is the room's rule
// (room.ts); here, the wire form of an awareness update and the name the server puts in each entry:
// the signed-in user's, whatever the client claimed.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

const MAX_STATE_CHARS = 16 * 1024;

/** One entry of an awareness update; `state` is JSON, `'null'` when the client left. */
export interface PresenceEntry {
	clientId: number;
	clock: number;
	state: string;
}

/** How many entries an awareness update says it holds (read before decoding them). */
export function presenceEntryCount(update: Uint8Array): number {
	return decoding.readVarUint(decoding.createDecoder(update));
}

/** The entries of an awareness update. Throws on an update that does not decode. */
export function decodePresence(update: Uint8Array): PresenceEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: PresenceEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		entries.push({ clientId, clock, state: decoding.readVarString(decoder) });
	}
	return entries;
}

export function encodePresence(entries: PresenceEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}

/** Whether the entry says its client left. */
export const isLeaving = (entry: PresenceEntry) => entry.state.trim() === 'null';

/**
 * The entry's state with `user.name` set to `username`. Throws on a state that is too large, not
 * JSON, or not an object.
 */
export function vouchedState(json: string, username: string): string {
	if (json.length > MAX_STATE_CHARS) throw new Error('presence state too large');
	const state: unknown = JSON.parse(json);
	if (state === null) return 'null'; // the client left
	if (typeof state !== 'object' || Array.isArray(state)) throw new Error('presence state is not an object');
	const record = state as Record<string, unknown>;
	const user = typeof record.user === 'object' && record.user !== null && !Array.isArray(record.user) ? record.user : {};
	return JSON.stringify({ ...record, user: { ...user, name: username } });
}
