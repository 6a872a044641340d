// Whether this editor's own edits are stored by the server, read from the y-websocket protocol
// itself, with nothing added to the wire: the server handles one socket's messages in order, and it
// answers a sync step 1 only once everything it applied before that is stored (drafts' missingFrom
// waits for it). So a step 1 sent after an edit, once answered, says that the edit is on disk. Each
// probe records this client's own clock when it was sent; the answers come back in the same order.
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { WebsocketProvider } from 'y-websocket';
import { YJS_MESSAGE } from '$lib/realtime/yjs-protocol';

/** How long typing must pause before the server is asked whether it has stored the edits. */
const QUIET_MS = 300;

type SyncHandler = WebsocketProvider['messageHandlers'][number];

/**
 * Calls `onSaved(true | false)` whenever it changes: true once the server has stored every edit this
 * client made. Returns the stop.
 */
export function followDraftSaving(provider: WebsocketProvider, doc: Y.Doc, onSaved: (saved: boolean) => void, quietMs = QUIET_MS): () => void {
	/** This client's own clock that the server confirmed stored. */
	let confirmed = 0;
	/** The clock each unanswered step 1 of this socket covers; null for one that proves nothing. */
	let probes: (number | null)[] = [];
	let timer: ReturnType<typeof setTimeout> | undefined;
	let saved = true;

	const ownClock = () => Y.getState(doc.store, doc.clientID);
	const report = () => {
		const now = ownClock() <= confirmed;
		if (now !== saved) onSaved((saved = now));
	};

	const probe = () => {
		clearTimeout(timer);
		const socket = provider.ws;
		if (!provider.wsconnected || !socket || socket.readyState !== socket.OPEN) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, YJS_MESSAGE.sync);
		syncProtocol.writeSyncStep1(encoder, doc);
		probes.push(ownClock());
		socket.send(encoding.toUint8Array(encoder));
	};

	// Every sync message from the server goes through here first: a step 2 answers the oldest probe.
	const handleSync: SyncHandler = provider.messageHandlers[YJS_MESSAGE.sync]!;
	provider.messageHandlers[YJS_MESSAGE.sync] = (encoder, decoder, ...rest) => {
		const step = decoding.peekVarUint(decoder);
		handleSync(encoder, decoder, ...rest);
		if (step !== syncProtocol.messageYjsSyncStep2) return;
		const covered = probes.shift();
		if (covered !== undefined && covered !== null) confirmed = Math.max(confirmed, covered);
		report();
	};

	const onStatus = ({ status }: { status: string }) => {
		// y-websocket sends its own step 1 right after saying "connected": its answer comes before
		// this client has sent what it typed offline (that goes in reply to the server's step 1).
		if (status === 'connected') probes = [null];
		else probes = [];
	};
	// Synced: what was typed offline has been sent by now (the server's step 1 came first); ask.
	const onSync = (synced: boolean) => synced && probe();
	const onUpdate = (_update: Uint8Array, origin: unknown) => {
		if (origin === provider) return; // someone else's edit, from the server
		report();
		clearTimeout(timer);
		timer = setTimeout(probe, quietMs);
	};

	provider.on('status', onStatus);
	provider.on('sync', onSync);
	doc.on('update', onUpdate);
	return () => {
		clearTimeout(timer);
		provider.messageHandlers[YJS_MESSAGE.sync] = handleSync;
		provider.off('status', onStatus);
		provider.off('sync', onSync);
		doc.off('update', onUpdate);
	};
}
