// The hub's link to the other instances: @socket.io/redis-adapter's sharded adapter (a channel per
// session room, so an instance hears only the sessions its sockets are in) on two ioredis clients,
// made to keep serving this instance's own sockets while Redis is unreachable: a room event reaches
// them at once, a join still lists who is here, and nothing the adapter leaves unhandled can fail.
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { logger } from '$lib/server/logger';
import { closeRedisClient, redisKey } from '$lib/server/redis';

export interface HubRedisLink {
	adapter: ReturnType<typeof createShardedAdapter>;
	close(): Promise<void>;
}

/** `resubscribed` runs each time the subscriber is back after losing Redis (not at the first connect). */
export function hubRedisLink(url: string, resubscribed: () => void): HubRedisLink {
	const pub = new Redis(url, { maxRetriesPerRequest: 2 });
	// Subscriptions asked for while Redis is away wait for it and are made then (not failed after a
	// few retries: the room would stay deaf to the other instances once Redis is back).
	const sub = pub.duplicate({ maxRetriesPerRequest: null });
	for (const client of [pub, sub]) client.on('error', (error) => logger.warn({ err: error }, 'socket.io redis adapter connection error'));
	let subscribedBefore = false;
	sub.on('ready', () => {
		if (subscribedBefore) resubscribed();
		subscribedBefore = true;
	});
	return {
		adapter: createShardedAdapter(publishInBackground(pub), subscriptionsHandled(sub), { channelPrefix: redisKey('socket.io'), subscriptionMode: 'dynamic' }),
		async close() {
			await Promise.all([pub, sub].map(closeRedisClient));
		}
	};
}

/**
 * What the adapter publishes through. socket.io's cluster adapter hands a room event to this
 * instance's own sockets only once its SPUBLISH has succeeded or failed, and while Redis is
 * unreachable ioredis holds a command through its reconnection attempts (0.3 s at first, up to 6 s
 * once the outage is old): every token of a run here would wait that long. So SPUBLISH resolves at
 * once and goes to Redis on its own (a failure is logged; the other instances have lost Redis too,
 * and re-join their sockets when it is back). PUBSUB, which counts the instances for fetchSockets,
 * fails at once while the link is down (presence then lists this instance's sockets). These two are
 * all the adapter (@socket.io/redis-adapter 8.3, util.ts) calls on its publishing client.
 */
function publishInBackground(pub: Redis) {
	return {
		spublish(channel: string, message: string | Buffer): Promise<number> {
			pub.spublish(channel, message).catch((error: Error) => logger.debug({ err: error, channel }, 'publishing a session event to the other instances failed'));
			return Promise.resolve(0);
		},
		send_command(command: string, args: string[], callback: (error?: Error | null, result?: unknown) => void): void {
			if (pub.status !== 'ready') return callback(new Error(`the socket.io Redis connection is ${pub.status}`));
			void pub.call(command, args, callback);
		}
	};
}

/**
 * The subscribing client, as the adapter gets it. The adapter subscribes to a room's channel when
 * the room appears here and unsubscribes when it empties, and drops the promises those calls return:
 * one that fails (the client closed at shutdown while Redis was away, an error reply) would be an
 * unhandled rejection, which ends the process. Here each is handled (logged).
 */
function subscriptionsHandled(sub: Redis): Redis {
	const handled =
		(name: 'ssubscribe' | 'sunsubscribe') =>
		(...channels: string[]) => {
			const result = sub[name](...channels);
			result.catch((error: Error) => logger.warn({ err: error.message, channels }, `${name} on the socket.io Redis connection failed`));
			return result;
		};
	const ssubscribe = handled('ssubscribe');
	const sunsubscribe = handled('sunsubscribe');
	return new Proxy(sub, {
		get(target, property) {
			if (property === 'ssubscribe') return ssubscribe;
			if (property === 'sunsubscribe') return sunsubscribe;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}
