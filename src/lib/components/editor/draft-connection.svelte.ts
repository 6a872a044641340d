// One live connection to a prompt's draft: the Yjs document, its y-websocket provider at
// `/yjs/<promptId>` on the page's own origin (so the session cookie goes along), this person's
// presence (in a colour nobody who came earlier wears), and what the page shows about it (connection
// state, refusal, who is here, the latest version, whether this person's edits are stored yet).
// Browser only: create it in onMount or an
// $effect, destroy it when the page goes.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { readMeta, type DraftMeta } from '$lib/prompt-doc';
import { describeYjsClose, yjsServerUrl } from '$lib/realtime/yjs-protocol';
import { followBrowserNetwork } from './browser-network';
import { followDraftSaving } from './draft-saving';
import { isHexColor, presenceOf, roomColor, type UserColor } from './user-color';

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
	/** Every edit made here is stored by the server (false from an edit until the server has it). */
	saved = $state(true);
	/** The draft's content changed (anyone's edit): the page compares it with the latest version. */
	revision = $state(0);

	readonly #self: PresenceUser;
	readonly #unfollowNetwork: () => void;
	readonly #unfollowSaving: () => void;
	/** When this editor came into the room: who came earlier keeps their colour (user-color.ts). */
	readonly #joinedAt = Date.now();

	constructor(promptId: string, user: PresenceUser, origin: string = location.origin) {
		this.#self = user;
		// No BroadcastChannel between tabs: the server is the one authority on who may write.
		this.provider = new WebsocketProvider(yjsServerUrl(origin), promptId, this.doc, { disableBc: true });
		this.awareness = this.provider.awareness;
		this.awareness.setLocalStateField('user', { ...user, joinedAt: this.#joinedAt });

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

		// Offline and back as the browser says, not minutes later when a dead socket times out.
		this.#unfollowNetwork = followBrowserNetwork(this.provider, () => this.state !== 'refused');

		this.#unfollowSaving = followDraftSaving(this.provider, this.doc, (saved) => (this.saved = saved));
		this.doc.on('update', this.#onUpdate);

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
		if (this.#wearFreeColor()) return; // that change is heard again, with the colour worn
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
					// Another client's colours are checked before they reach a style.
					user: {
						id,
						name: user.name,
						color: isHexColor(user.color, 6) ? user.color : '#30bced',
						colorLight: isHexColor(user.colorLight, 8) ? user.colorLight : '#30bced33'
					}
				});
			}
		}
		// You first, then everyone else by name.
		this.peers = [...byUser.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name));
	};

	/** Moves to another colour when someone who came earlier wears this one; true if it moved. */
	#wearFreeColor(): boolean {
		const user = this.awareness.getLocalState()?.user as (PresenceUser & { joinedAt: number }) | undefined;
		if (!user) return false;
		const others = [...this.awareness.getStates()].map(([clientId, state]) => presenceOf(clientId, state));
		const wanted = roomColor({ clientId: this.doc.clientID, userId: this.#self.id, joinedAt: this.#joinedAt }, others);
		if (wanted.color === user.color) return false;
		this.awareness.setLocalStateField('user', { ...user, ...wanted });
		return true;
	}

	readonly #onUpdate = () => {
		this.revision++;
	};

	destroy(): void {
		this.#unfollowNetwork();
		this.#unfollowSaving();
		this.doc.off('update', this.#onUpdate);
		this.awareness.off('change', this.#onAwareness);
		this.provider.destroy();
		this.doc.destroy();
	}
}
