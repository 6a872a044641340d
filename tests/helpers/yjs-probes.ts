// Markers a draft socket's own traffic gives a test, in place of waiting "long enough" for something
// that must not happen: the server handles a socket's messages in order and answers on the same
// socket, so once its answer is in, everything the server sent that socket before is in too.
import { randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { YJS_MESSAGE } from '$lib/realtime/yjs-protocol';
import type { TestClient } from './yjs-client';

type Frame = { data: ArrayBuffer | Buffer | Buffer[] };

function bytesOf(data: Frame['data']): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Resolves with the first frame the server sends the client from now on that `matches`. */
function nextFrame(client: TestClient, what: string, matches: (bytes: Uint8Array) => boolean, timeoutMs: number): { arrived: Promise<void>; socket: WebSocket } {
	const socket = client.provider.ws;
	if (!socket || socket.readyState !== socket.OPEN) throw new Error(`${what}: the client's socket is not open`);
	const arrived = new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			socket.removeEventListener('message', listener);
			reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
		}, timeoutMs);
		// Added after the provider's own handler: by the time this runs, the provider has applied the frame.
		const listener = (event: Frame) => {
			if (!matches(bytesOf(event.data))) return;
			clearTimeout(timer);
			socket.removeEventListener('message', listener);
			resolve();
		};
		socket.addEventListener('message', listener);
	});
	return { arrived, socket };
}

/**
 * Sends a sync step 1 and resolves once the server's step 2 has been applied. The server reads it
 * after every earlier message of this socket, and answers only once everything it has applied is
 * stored and sent on to the other sockets: then this client holds all the server held, and whatever
 * it sent before (applied, or dropped as a viewer's) has been dealt with and stored if kept.
 */
export function syncRoundTrip(client: TestClient, timeoutMs = 10_000): Promise<void> {
	const isStep2 = (bytes: Uint8Array) => {
		const decoder = decoding.createDecoder(bytes);
		return decoding.readVarUint(decoder) === YJS_MESSAGE.sync && decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep2;
	};
	const { arrived, socket } = nextFrame(client, 'sync round trip', isStep2, timeoutMs);
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YJS_MESSAGE.sync);
	syncProtocol.writeSyncStep1(encoder, client.doc);
	socket.send(encoding.toUint8Array(encoder));
	return arrived;
}

/**
 * Sets a presence field unique to this call and resolves when the server's broadcast of it comes
 * back on the client's own socket (presence goes to every socket of the room, its sender included,
 * as soon as it is read): every frame the server sent this socket before has arrived. Unlike a sync
 * round trip it does not wait for the draft's store.
 */
export function presenceEcho(client: TestClient, timeoutMs = 10_000): Promise<void> {
	const marker = `probe-${randomUUID()}`;
	const needle = Buffer.from(marker);
	const isEcho = (bytes: Uint8Array) => bytes[0] === YJS_MESSAGE.awareness && Buffer.from(bytes).includes(needle);
	const { arrived } = nextFrame(client, 'presence echo', isEcho, timeoutMs);
	client.provider.awareness.setLocalStateField('probe', marker);
	return arrived;
}
