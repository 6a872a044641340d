// Presence is the client's to describe (cursor, colour) but not who it is: the server vouches for
// each awareness entry a socket sends. A socket speaks only for the awareness client ids it claimed
// first (y-websocket clients also echo other people's entries: those are dropped, the server has
// them already), and the name in every entry it keeps is the signed-in user's, whatever it claimed.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

const MAX_STATE_CHARS = 16 * 1024;

/**
 * The awareness update to apply in place of `update`: only entries whose client id `mayClaim`,
 * each with `user.name` set to `username`. Throws on an update that does not decode.
 */
export function vouchForPresence(update: Uint8Array, mayClaim: (clientId: number) => boolean, username: string): Uint8Array {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const kept: Array<{ clientId: number; clock: number; state: string }> = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		if (!mayClaim(clientId)) continue;
		kept.push({ clientId, clock, state: vouchedState(state, username) });
	}
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, kept.length);
	for (const entry of kept) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}

function vouchedState(json: string, username: string): string {
	if (json.length > MAX_STATE_CHARS) throw new Error('presence state too large');
	const state: unknown = JSON.parse(json);
	if (state === null) return 'null'; // the client left
	if (typeof state !== 'object' || Array.isArray(state)) throw new Error('presence state is not an object');
	const record = state as Record<string, unknown>;
	const user = typeof record.user === 'object' && record.user !== null && !Array.isArray(record.user) ? record.user : {};
	return JSON.stringify({ ...record, user: { ...user, name: username } });
}
