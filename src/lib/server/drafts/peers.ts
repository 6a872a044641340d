// How the instances holding one prompt's draft tell each other what changed: a Redis channel per
// prompt, joined while the draft is loaded. Three messages cross it, each sent after the sender
// stored what it describes: a document update (applied by the others as already stored), a
// presence (awareness) update, and a presence query from an instance that just opened the prompt
// (the others answer with their sockets' presence). Alone (no REDIS_URL), nothing is sent.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { clusterBus, clusterChannel } from '../cluster';
import { logger } from '../logger';

/** What a holder of a prompt's draft hears from the other instances. */
export interface DraftPeerListener {
	update?(update: Uint8Array): void;
	awareness?(update: Uint8Array): void;
	awarenessQuery?(): void;
	/** Redis was unreachable and is back: messages may have been missed, read the store again. */
	reconnected?(): void;
}

export interface DraftPeers {
	/** Joins the prompt's channel; resolves once joined (or Redis is found unreachable). Returns the leave. */
	join(promptId: string, listener: DraftPeerListener): Promise<() => Promise<void>>;
	publishUpdate(promptId: string, update: Uint8Array): void;
	publishAwareness(promptId: string, update: Uint8Array): void;
	queryAwareness(promptId: string): void;
}

/** The kinds of message, first on the wire after the sender's instance id. */
const KIND = { update: 0, awareness: 1, awarenessQuery: 2 } as const;
type Kind = (typeof KIND)[keyof typeof KIND];

export type DraftPeerMessage =
	| { from: string; kind: typeof KIND.update | typeof KIND.awareness; payload: Uint8Array }
	| { from: string; kind: typeof KIND.awarenessQuery };

export function encodePeerMessage(message: DraftPeerMessage): Buffer {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, message.from);
	encoding.writeVarUint(encoder, message.kind);
	if (message.kind !== KIND.awarenessQuery) encoding.writeVarUint8Array(encoder, message.payload);
	return Buffer.from(encoding.toUint8Array(encoder));
}

/** The message, or null when it is not one (logged by the caller). */
export function decodePeerMessage(bytes: Uint8Array): DraftPeerMessage | null {
	try {
		const decoder = decoding.createDecoder(bytes);
		const from = decoding.readVarString(decoder);
		const kind = decoding.readVarUint(decoder) as Kind;
		if (kind === KIND.awarenessQuery) return decoding.hasContent(decoder) ? null : { from, kind };
		if (kind !== KIND.update && kind !== KIND.awareness) return null;
		const payload = decoding.readVarUint8Array(decoder);
		return decoding.hasContent(decoder) ? null : { from, kind, payload };
	} catch {
		return null;
	}
}

/** The peers of this process: through Redis when REDIS_URL is set, else none. */
export const clusterDraftPeers: DraftPeers = {
	async join(promptId, listener) {
		const bus = clusterBus();
		if (!bus) return async () => undefined;
		const channel = clusterChannel('draft', promptId);
		const stopReconnect = listener.reconnected ? bus.onReconnected(listener.reconnected) : () => undefined;
		const unsubscribe = await bus.subscribe(channel, (bytes) => {
			const message = decodePeerMessage(bytes);
			if (!message) return void logger.warn({ promptId }, 'a draft peer message was malformed; dropped');
			if (message.from === bus.instanceId) return;
			if (message.kind === KIND.update) listener.update?.(message.payload);
			else if (message.kind === KIND.awareness) listener.awareness?.(message.payload);
			else listener.awarenessQuery?.();
		});
		return async () => {
			stopReconnect();
			await unsubscribe();
		};
	},
	publishUpdate: (promptId, update) => send(promptId, { kind: KIND.update, payload: update }),
	publishAwareness: (promptId, update) => send(promptId, { kind: KIND.awareness, payload: update }),
	queryAwareness: (promptId) => send(promptId, { kind: KIND.awarenessQuery })
};

type Unsent = { kind: typeof KIND.update | typeof KIND.awareness; payload: Uint8Array } | { kind: typeof KIND.awarenessQuery };

function send(promptId: string, message: Unsent): void {
	const bus = clusterBus();
	if (!bus) return;
	void bus.publish(clusterChannel('draft', promptId), encodePeerMessage({ from: bus.instanceId, ...message } as DraftPeerMessage));
}

/** Peers that never hear or say anything (one instance; tests of a single draft). */
export const noDraftPeers: DraftPeers = {
	join: async () => async () => undefined,
	publishUpdate: () => undefined,
	publishAwareness: () => undefined,
	queryAwareness: () => undefined
};
