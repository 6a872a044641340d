// Taking one client event: rate-limit it, validate its payload against the shared schema, run it,
// and answer through the acknowledgement callback (or a session:error event when the client gave
// none). A bad event gets an error, never a crash: nothing a client sends can throw out of here.
import { randomUUID } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { clientEventSchemas, SESSION_LIMITS, type Ack, type ClientEventName, type SessionError } from '$lib/realtime/session-events';
import { ServiceError } from '$lib/server/errors';
import { logger } from '$lib/server/logger';
import { ModelError } from '$lib/server/models';
import type { HubSocket } from './types';

/** Per socket, in this instance's memory: a socket lives on one instance. */
const eventLimiter = new RateLimiterMemory({ keyPrefix: 'hub-events', points: SESSION_LIMITS.eventsPerWindow, duration: SESSION_LIMITS.eventWindowSeconds });

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
		void (async () => {
			try {
				await eventLimiter.consume(socket.id);
			} catch (rejection) {
				const retryAfterSeconds = rejection instanceof RateLimiterRes ? Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) : SESSION_LIMITS.eventWindowSeconds;
				return reply({ ok: false, error: { code: 'rate-limited', message: `Too many events: wait ${retryAfterSeconds} s.`, event, retryAfterSeconds } });
			}
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
		const error: SessionError = { code: 'invalid', message: `Unknown event: ${name}.`, event: name };
		const ack = args.at(-1);
		if (typeof ack === 'function') (ack as (result: Ack<never>) => void)({ ok: false, error });
		else socket.emit('session:error', error);
	});
}
