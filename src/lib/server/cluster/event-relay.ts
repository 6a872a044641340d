// Domain events reach every instance: a member removed on instance A must close that member's
// sockets on instance B too. Each event emitted here is published once on a shared channel; the
// others deliver it to their own listeners (never relaying it again). What arrives is checked
// against the events' shapes: a message that does not match is logged and dropped.
import { z } from 'zod';
import { roleSchema } from '$lib/schemas/workspace';
import { deliverEvent, setEventRelay, type DomainEventName, type DomainEvents } from '../domain-events';
import { logger } from '../logger';
import type { ClusterBus } from './bus';

/** A sign-in session's id: the SHA-256 of its token, never the token. */
const sessionIdSchema = z.string().regex(/^[0-9a-f]{64}$/);

const payloadSchemas = {
	'membership.changed': z.object({ workspaceId: z.uuid(), userId: z.uuid(), role: roleSchema.nullable() }),
	'prompt.deleted': z.object({ promptId: z.uuid() }),
	'prompt.access.changed': z.object({ promptId: z.uuid() }),
	'session.ended': z.object({ sessionId: sessionIdSchema }),
	'user.sessions.ended': z.object({ userId: z.uuid(), exceptSessionId: sessionIdSchema.optional() })
} satisfies { [K in DomainEventName]: z.ZodType<DomainEvents[K]> };

const relayedEventSchema = z.object({
	from: z.string(),
	name: z.enum(Object.keys(payloadSchemas) as [DomainEventName, ...DomainEventName[]]),
	payload: z.unknown()
});

/** Publishes this instance's domain events and delivers the others'; returns the stop. */
export async function relayDomainEvents(bus: ClusterBus, channel: string): Promise<() => Promise<void>> {
	const unsubscribe = await bus.subscribe(channel, (message) => {
		const parsed = relayedEventSchema.safeParse(safeJson(message.toString('utf8')));
		if (!parsed.success) return void logger.warn({ channel }, 'a relayed domain event was malformed; dropped');
		if (parsed.data.from === bus.instanceId) return;
		const payload = payloadSchemas[parsed.data.name].safeParse(parsed.data.payload);
		if (!payload.success) return void logger.warn({ channel, event: parsed.data.name }, 'a relayed domain event had a wrong payload; dropped');
		deliverEvent(parsed.data.name, payload.data as DomainEvents[typeof parsed.data.name]);
	});
	setEventRelay((name, payload) => {
		void bus.publish(channel, Buffer.from(JSON.stringify({ from: bus.instanceId, name, payload })));
	});
	return async () => {
		setEventRelay(undefined);
		await unsubscribe();
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}
