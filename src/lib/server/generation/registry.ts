// This instance's runs in memory, kept in the runtime (Vite may load server code twice in dev; the
// socket.io hub and the routes must see the same runs): the runs going on, every run event (the hub
// forwards them to the session's room), and the model requests in the air that an identical run may
// join (by cache key).
import { EventEmitter } from 'node:events';
import type { RunView, TokenEvent, WaitingEvent } from '$lib/realtime/session-events';
import { slot } from '../runtime';
import type { Flight } from './flight';
import type { ActiveRun } from './active-run';

export interface RunEventMap {
	started: [RunView];
	waiting: [WaitingEvent];
	token: [TokenEvent];
	finished: [RunView];
}

export interface RunRegistry {
	/** Runs going on this instance, by execution id. */
	active: Map<string, ActiveRun>;
	events: EventEmitter<RunEventMap>;
	/** Flights that may be shared, by cache key: an identical request joins the one in the air. */
	flights: Map<string, Flight>;
}

export const runRegistry = slot(
	'runs',
	(): RunRegistry => ({ active: new Map(), events: new EventEmitter<RunEventMap>().setMaxListeners(0), flights: new Map() })
);

/** Every run event of this instance; the socket.io hub forwards them to the session's room. */
export function runEvents(): EventEmitter<RunEventMap> {
	return runRegistry().events;
}

/** Runs going on this instance, by execution id. */
export function activeRuns(): Map<string, ActiveRun> {
	return runRegistry().active;
}

/** Model requests in the air that may be shared, by flight key. */
export function sharedFlights(): Map<string, Flight> {
	return runRegistry().flights;
}

