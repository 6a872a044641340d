// One live connection to a prompt's draft: the Yjs document, its y-websocket provider at
// `/yjs/<promptId>` on the page's own origin (so the session cookie goes along), this person's
// presence, and what the page shows about it (connection state, refusal, who is here, the latest
// version). Browser only: create it in onMount or an $effect, destroy it when the page goes.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { readMeta, type DraftMeta } from '$lib/prompt-doc';
import { describeYjsClose, yjsServerUrl } from '$lib/realtime/yjs-protocol';
import type { UserColor } from './user-color';

export interface PresenceUser extends UserColor {
	id: string;
	name: string;
}

export interface Peer {
	/** Yjs client ids of this person's open editors (a person may have several tabs). */
	clientIds: number[];
	user: PresenceUser;
	self: boolean;
}

/**
 * connecting: not connected since the page opened; connected: in sync with the server;
 * offline: was connected, lost it, retrying (edits are kept and merge on reconnect);
 * refused: the server closed the socket for good (see `refusal`).
 */
export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'refused';

export interface Refusal {
	code: number;
	message: string;
}

export class DraftConnection {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	readonly awareness: Awareness;
	/** The origin of this person's own non-text edits (parameters, examples). */
	readonly localOrigin = Symbol('local edit');

	state = $state<ConnectionState>('connecting');
	/** True once the server's copy has arrived at least once: until then there is nothing to edit. */
	loaded = $state(false);
	refusal = $state<Refusal | null>(null);
	peers = $state.raw<Peer[]>([]);
	meta = $state.raw<DraftMeta>({ latestVersion: null, restoredFrom: null });

	readonly #self: PresenceUser;

	constructor(promptId: string, user: PresenceUser, origin: string = location.origin) {
		this.#self = user;
		// No BroadcastChannel between tabs: the server is the one authority on who may write.
		this.provider = new WebsocketProvider(yjsServerUrl(origin), promptId, this.doc, { disableBc: true });
		this.awareness = this.provider.awareness;
		this.awareness.setLocalStateField('user', user);

		this.provider.on('status', ({ status }) => {
			if (this.state === 'refused') return;
			if (status === 'connected') return; // "connected" once synced, below
			if (status === 'disconnected' || (status === 'connecting' && this.state === 'offline')) this.state = 'offline';
		});
		this.provider.on('sync', (synced: boolean) => {
			if (synced && this.state !== 'refused') {
				this.state = 'connected';
				this.loaded = true;
			}
		});
		this.provider.on('closed', ({ code }) => {
			// A final close (44xx): y-websocket has stopped reconnecting; reconnecting would not help.
			this.state = 'refused';
			this.refusal = { code, message: describeYjsClose(code) };
		});

		const meta = this.doc.getMap('meta');
		const onMeta = () => (this.meta = readMeta(this.doc));
		meta.observe(onMeta);
		this.awareness.on('change', this.#onAwareness);
		this.#onAwareness();
	}

	/** May this person type now? Only once the draft has loaded and while the server has not refused. */
	get writable(): boolean {
		return this.loaded && this.state !== 'refused';
	}

	readonly #onAwareness = () => {
		const byUser = new Map<string, Peer>();
		for (const [clientId, state] of this.awareness.getStates()) {
			const user = (state as { user?: Partial<PresenceUser> }).user;
			if (!user || typeof user.name !== 'string') continue;
			const id = typeof user.id === 'string' ? user.id : `client-${clientId}`;
			const self = clientId === this.doc.clientID || id === this.#self.id;
			const peer = byUser.get(id);
			if (peer) peer.clientIds.push(clientId);
			else {
				byUser.set(id, {
					clientIds: [clientId],
					self,
					user: { id, name: user.name, color: user.color ?? '#30bced', colorLight: user.colorLight ?? '#30bced33' }
				});
			}
		}
		// You first, then everyone else by name.
		this.peers = [...byUser.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name));
	};

	destroy(): void {
		this.awareness.off('change', this.#onAwareness);
		this.provider.destroy();
		this.doc.destroy();
	}
}
