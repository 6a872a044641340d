// Taking one client event: count it against the socket's budget, validate its payload against the
// shared schema, run it, and answer through the acknowledgement callback (or a session:error event
// when the client gave none). A bad event gets an error, never a crash: nothing a client sends can
// throw out of here.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { clientEventSchemas, SESSION_LIMITS, type Ack, type ClientEventName, type SessionError } from '$lib/realtime/session-events';
import { ServiceError } from '$lib/server/errors';
import { logger } from '$lib/server/logger';
import { ModelError } from '$lib/server/models';
import type { HubSocket } from './types';

/** What one socket has sent in its current window, in this instance's memory (a socket lives on one). */
interface EventBudget {
	windowStart: number;
	sent: number;
	/** Of those, the events that have a share of their own (EVENT_SHARES), by name. */
	shared: Map<string, number>;
}

/**
 * Events that may take only part of the window's budget: typing in a variable sends changes while
 * a person types, and must never leave that socket unable to start or cancel a run.
 */
const EVENT_SHARES: ReadonlyMap<string, number> = new Map([['variables:set', SESSION_LIMITS.variableChangesPerWindow]]);
const budgets = new WeakMap<HubSocket, EventBudget>();

type Spent = { verdict: 'ok' } | { verdict: 'refuse'; retryAfterSeconds: number } | { verdict: 'close' };

/**
 * Counts one event, of any name, against the socket's budget: eventsPerWindow are taken, the next as
 * many are refused as rate-limited (a page that sent too fast learns to wait), and past twice the
 * budget in one window the socket is closed. Answering every refusal of an endless flood would cost
 * the studio as much as taking the events: one socket kept the event loop busy for seconds at a time.
 */
function spendEvent(socket: HubSocket, event: string, now = Date.now()): Spent {
	const windowMs = SESSION_LIMITS.eventWindowSeconds * 1000;
	let budget = budgets.get(socket);
	if (!budget || now - budget.windowStart >= windowMs) budgets.set(socket, (budget = { windowStart: now, sent: 0, shared: new Map() }));
	budget.sent++;
	const retryAfterSeconds = Math.max(1, Math.ceil((budget.windowStart + windowMs - now) / 1000));
	if (budget.sent > 2 * SESSION_LIMITS.eventsPerWindow) return { verdict: 'close' };
	if (budget.sent > SESSION_LIMITS.eventsPerWindow) return { verdict: 'refuse', retryAfterSeconds };
	const share = EVENT_SHARES.get(event);
	if (share !== undefined) {
		const spent = (budget.shared.get(event) ?? 0) + 1;
		budget.shared.set(event, spent);
		if (spent > share) return { verdict: 'refuse', retryAfterSeconds };
	}
	return { verdict: 'ok' };
}

/** Ends a socket that went on sending past its refusals, saying why (it has no reply coming). */
function closeFlooder(socket: HubSocket, event: string): void {
	if (socket.disconnected) return;
	logger.warn({ userId: socket.data.userId, event }, 'a hub socket sent more than twice its event budget; closing it');
	socket.emit('session:error', { code: 'rate-limited', message: 'Too many events: this connection was closed. Reload the page to connect again.', event });
	socket.disconnect(true);
}

/**
 * The one gate every incoming event passes: false when it must not be handled (the socket is gone,
 * or the event was refused or closed it); a refusal is answered through `reply`.
 */
function admitted(socket: HubSocket, event: string, reply: (result: Ack<never>) => void): boolean {
	// Frames that arrived with the flood are still delivered after the close: drop them unanswered.
	if (socket.disconnected) return false;
	const spent = spendEvent(socket, event);
	if (spent.verdict === 'ok') return true;
	if (spent.verdict === 'close') closeFlooder(socket, event);
	else reply({ ok: false, error: { code: 'rate-limited', message: `Too many events: wait ${spent.retryAfterSeconds} s.`, event, retryAfterSeconds: spent.retryAfterSeconds } });
	return false;
}

const SERVICE_CODES: Record<number, SessionError['code']> = { 400: 'invalid', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 429: 'rate-limited' };

/** A refusal the handler means, as opposed to a failure nobody expected. */
export class Refusal extends Error {
	constructor(
		readonly code: SessionError['code'],
		message: string
	) {
		super(message);
	}
}

function toSessionError(error: unknown, event: string, socket: HubSocket): SessionError {
	if (error instanceof Refusal) return { code: error.code, message: error.message, event };
	if (error instanceof ServiceError) {
		return {
			code: SERVICE_CODES[error.status] ?? 'invalid',
			message: error.message,
			event,
			...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {})
		};
	}
	if (error instanceof ModelError && (error.kind === 'not-configured' || error.kind === 'input')) {
		return { code: error.kind === 'not-configured' ? 'not-configured' : 'invalid', message: error.message, event };
	}
	const errorId = randomUUID();
	logger.error({ err: error, errorId, event, userId: socket.data.userId }, 'a session event failed');
	return { code: 'internal', message: `Something went wrong on our side (error ${errorId}). We logged it.`, event };
}

function firstIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'The event is not valid.';
	const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
	return `${path}${issue.message}`;
}

type Handler<E extends ClientEventName, T> = (payload: z.output<(typeof clientEventSchemas)[E]>) => Promise<T> | T;

/** Registers the handler of one client event on the socket. */
export function onClientEvent<E extends ClientEventName, T>(socket: HubSocket, event: E, handler: Handler<E, T>): void {
	// socket.io hands over whatever the client sent; the last argument is the ack only if it is a function.
	(socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
		const ack = typeof args.at(-1) === 'function' ? (args.pop() as (result: Ack<T>) => void) : undefined;
		const reply = (result: Ack<T>) => {
			if (ack) ack(result);
			else if (!result.ok) socket.emit('session:error', result.error);
		};
		if (!admitted(socket, event, reply)) return;
		void (async () => {
			const parsed = clientEventSchemas[event].safeParse(args[0]);
			if (!parsed.success) return reply({ ok: false, error: { code: 'invalid', message: firstIssue(parsed.error), event } });
			try {
				const data = await handler(parsed.data as z.output<(typeof clientEventSchemas)[E]>);
				reply({ ok: true, data });
			} catch (error) {
				reply({ ok: false, error: toSessionError(error, event, socket) });
			}
		})().catch((error) => logger.error({ err: error, event }, 'answering a session event failed'));
	});
}

/**
 * Any event outside the contract is refused naming it: through its acknowledgement callback when it
 * gave one (a client waiting on it would otherwise wait forever), else as an error event.
 */
export function refuseUnknownEvents(socket: HubSocket): void {
	socket.onAny((event: unknown, ...args: unknown[]) => {
		if (typeof event === 'string' && Object.hasOwn(clientEventSchemas, event)) return;
		const name = String(event).slice(0, 60);
		const ack = args.at(-1);
		const reply = (result: Ack<never>) => {
			if (typeof ack === 'function') (ack as (answer: Ack<never>) => void)(result);
			else if (!result.ok) socket.emit('session:error', result.error);
		};
		// Unknown events count against the same budget: a flood of them is a flood.
		if (!admitted(socket, name, reply)) return;
		reply({ ok: false, error: { code: 'invalid', message: `Unknown event: ${name}.`, event: name } });
	});
}
