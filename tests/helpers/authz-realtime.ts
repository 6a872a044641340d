// The matrix's rows for the live transports: each socket.io event a client may send to the generation
// hub, the hub connection itself, and the Yjs draft document, with what each actor must get there.
import type { SessionErrorCode } from '$lib/realtime/session-events';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import type { Actor } from './authz-fixture';

/** 'ok': the event is acknowledged with data; 'no socket': the connection was refused; else the error code. */
export type HubOutcome = 'ok' | 'no socket' | SessionErrorCode;

export interface HubRow {
	surface: string;
	variant?: string;
	/** Which session the event names. */
	session: 'shared' | 'secret';
	expect: Record<Actor, HubOutcome>;
}

const signedOut = { anonymous: 'no socket' } as const;
/** Anyone signed in connects; what they may do is asked event by event. */
const signedIn: Record<Actor, HubOutcome> = { ...signedOut, outsider: 'ok', siteAdmin: 'ok', viewer: 'ok', editor: 'ok', owner: 'ok' };
/** The session is not there for a non-member (nor for the private prompt's non-authors). */
const seesSession: Record<Actor, HubOutcome> = { ...signedIn, outsider: 'not-found', siteAdmin: 'not-found' };
/** Actions need the session joined (refused to whoever could not join) and, to run, an editor or owner. */
const runs: Record<Actor, HubOutcome> = { ...signedIn, outsider: 'forbidden', siteAdmin: 'forbidden', viewer: 'forbidden' };

export const HUB_ROWS: HubRow[] = [
	{ surface: 'socket.io connect', session: 'shared', expect: signedIn },
	{ surface: 'socket.io session:join', session: 'shared', expect: seesSession },
	{ surface: 'socket.io session:join', variant: 'private prompt', session: 'secret', expect: { ...seesSession, viewer: 'not-found', editor: 'not-found' } },
	// Leaving names no right: a socket leaves what it is in, or nothing.
	{ surface: 'socket.io session:leave', session: 'shared', expect: signedIn },
	{ surface: 'socket.io run:start', session: 'shared', expect: runs },
	{ surface: 'socket.io run:cancel', session: 'shared', expect: runs },
	// Catching up on a run's tokens is reading: every participant may.
	{ surface: 'socket.io run:resync', session: 'shared', expect: { ...runs, viewer: 'ok' } },
	// The session's variable values: every participant reads them on joining, whoever may run changes them.
	{ surface: 'socket.io variables:set', session: 'shared', expect: runs }
];

/** 'write': edits sync and are stored; 'read-only': the draft syncs, the actor's updates are dropped; else the close code. */
export type YjsOutcome = 'write' | 'read-only' | number;

export interface YjsRow {
	surface: string;
	variant?: string;
	prompt: 'shared' | 'secret';
	expect: Record<Actor, YjsOutcome>;
}

const draft: Record<Actor, YjsOutcome> = {
	anonymous: YJS_CLOSE.unauthorized,
	outsider: YJS_CLOSE.forbidden,
	siteAdmin: YJS_CLOSE.forbidden,
	viewer: 'read-only',
	editor: 'write',
	owner: 'write'
};

export const YJS_ROWS: YjsRow[] = [
	{ surface: 'yjs /yjs/[promptId]', prompt: 'shared', expect: draft },
	{ surface: 'yjs /yjs/[promptId]', variant: 'private prompt', prompt: 'secret', expect: { ...draft, viewer: YJS_CLOSE.forbidden, editor: YJS_CLOSE.forbidden } }
];
