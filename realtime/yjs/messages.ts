// Encoders for the y-websocket frames the server sends (y-protocols sync + awareness framing).
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { YJS_MESSAGE } from '$lib/realtime/yjs-protocol';

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** Sync step 1: the server's state vector; the client answers with what the server lacks. */
export const syncStep1Frame = (stateVector: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, YJS_MESSAGE.sync);
		encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
		encoding.writeVarUint8Array(e, stateVector);
	});

/** Sync step 2: what the client lacks (the answer to its step 1). */
export const syncStep2Frame = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, YJS_MESSAGE.sync);
		encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
		encoding.writeVarUint8Array(e, update);
	});

/** A stored update, broadcast. */
export const updateFrame = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, YJS_MESSAGE.sync);
		syncProtocol.writeUpdate(e, update);
	});

export const awarenessFrame = (awareness: awarenessProtocol.Awareness, clients: number[]) =>
	frame((e) => {
		encoding.writeVarUint(e, YJS_MESSAGE.awareness);
		encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	});
