// In-process domain events: a service says what happened, whoever cares (realtime/) reacts. One bus
// per process, in the runtime: Vite may load server code twice in dev, and an event emitted by one
// copy must reach listeners registered through the other. A listener's failure is logged, never
// thrown back into the service that emitted.
import type { Role } from '$lib/schemas/workspace';
import { logger } from './logger';
import { slot } from './runtime';

export interface DomainEvents {
	/** A member's role changed, or (role null) they were removed or left. Emitted after the change commits. */
	'membership.changed': { workspaceId: string; userId: string; role: Role | null };
	/** A prompt was deleted (its draft goes with it). */
	'prompt.deleted': { promptId: string };
	/** Who may see a prompt changed (its visibility): open draft sockets are checked again. */
	'prompt.access.changed': { promptId: string };
	/** A sign-in session ended (sign-out, expiry): sockets it opened close. The id is the token's SHA-256, never the token. */
	'session.ended': { sessionId: string };
	/** Every sign-in session of a user ended but `exceptSessionId` (when given, the one that asked): their other sockets close. */
	'user.sessions.ended': { userId: string; exceptSessionId?: string };
}

export type DomainEventName = keyof DomainEvents;
type Listener<K extends DomainEventName> = (payload: DomainEvents[K]) => void;
/** Typed at onEvent/emitEvent; stored by name. */
type Listeners = Map<DomainEventName, Set<(payload: unknown) => void>>;

const bus = slot('events', (): Listeners => new Map());

function listenersOf(name: DomainEventName): Set<(payload: unknown) => void> {
	const all = bus();
	let set = all.get(name);
	if (!set) all.set(name, (set = new Set()));
	return set;
}

/** Subscribes; the returned function unsubscribes. */
export function onEvent<K extends DomainEventName>(name: K, listener: Listener<K>): () => void {
	const set = listenersOf(name);
	const stored = listener as (payload: unknown) => void;
	set.add(stored);
	return () => set.delete(stored);
}

type Relay = <K extends DomainEventName>(name: K, payload: DomainEvents[K]) => void;
const relay = slot<Relay | undefined>('events.relay', () => undefined);

/** Every event emitted here also goes to `relay` (the other instances, through Redis). */
export function setEventRelay(to: Relay | undefined): void {
	relay.set(to);
}

/** Tells this process's listeners, and the other instances' through the relay. */
export function emitEvent<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
	deliverEvent(name, payload);
	relay.peek()?.(name, payload);
}

/** Tells this process's listeners only (an event another instance relayed). */
export function deliverEvent<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
	for (const listener of [...listenersOf(name)]) {
		try {
			listener(payload);
		} catch (error) {
			logger.error({ err: error, event: name }, 'an event listener failed');
		}
	}
}
