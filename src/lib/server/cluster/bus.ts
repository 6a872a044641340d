// The channels instances share on Redis (pub/sub): one subscriber connection per process, with a
// reference count per channel so that every holder of a prompt's draft shares one SUBSCRIBE.
// Pub/sub keeps nothing: a message sent while a subscriber is disconnected is lost to it. So after
// the subscriber comes back, holders are told (`onReconnected`) and re-read what they hold from
// PostgreSQL, the durable store every instance writes before it publishes.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { logger } from '../logger';
import { closeRedisClient } from '../redis';

const SUBSCRIBE_WAIT_MS = 2000;

export type ChannelHandler = (message: Buffer) => void;

export class ClusterBus {
	/** Tells this process's own messages apart: Redis delivers a PUBLISH to its sender's SUBSCRIBE too. */
	readonly instanceId = randomUUID();
	private readonly subscriber: Redis;
	private readonly handlers = new Map<string, Set<ChannelHandler>>();
	private readonly reconnectListeners = new Set<() => void>();

	constructor(
		url: string,
		/** The shared command connection (commands fail fast while it is down: no offline queue). */
		private readonly publisher: Redis
	) {
		// Commands queue while this one reconnects, and ioredis subscribes again to every channel
		// it had (autoResubscribe) before anything queued is sent.
		this.subscriber = new Redis(url, { maxRetriesPerRequest: null, autoResubscribe: true });
		this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.deliver(channel.toString(), message));
		this.subscriber.on('error', (error) => logger.warn({ err: error }, 'redis subscriber connection error'));
		this.subscriber.on('ready', () => void this.ready());
	}

	/**
	 * Subscribes `handler`; resolves once Redis confirmed the subscription, or after `waitMs` while
	 * Redis is unreachable (the SUBSCRIBE stays queued; the reconnect listeners catch up then).
	 * Returns the unsubscribe.
	 */
	async subscribe(channel: string, handler: ChannelHandler, waitMs = SUBSCRIBE_WAIT_MS): Promise<() => Promise<void>> {
		let set = this.handlers.get(channel);
		const first = !set;
		if (!set) this.handlers.set(channel, (set = new Set()));
		set.add(handler);
		if (first) {
			const confirmed = this.subscriber.subscribe(channel).then(
				() => true,
				(error: Error) => (logger.warn({ err: error, channel }, 'subscribing failed'), false)
			);
			let timer: NodeJS.Timeout | undefined;
			const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
			if (!(await Promise.race([confirmed, late]))) logger.warn({ channel }, 'redis did not confirm a subscription in time: going on without it');
			clearTimeout(timer);
		}
		let done = false;
		return async () => {
			if (done) return;
			done = true;
			const current = this.handlers.get(channel);
			current?.delete(handler);
			if (current?.size === 0) {
				this.handlers.delete(channel);
				const unsubscribed = this.subscriber.unsubscribe(channel).catch((error) => logger.debug({ err: error, channel }, 'unsubscribing failed'));
				// While Redis is away the UNSUBSCRIBE waits in the client's queue until it is back: not
				// awaited then, or a draft's unload and the studio's shutdown would wait for Redis too.
				if (this.subscriber.status === 'ready') await unsubscribed;
			}
		};
	}

	/** Publishes; false (logged) when Redis is unreachable: the peers re-read the store once it is back. */
	async publish(channel: string, message: Buffer): Promise<boolean> {
		try {
			await this.publisher.publish(channel, message);
			return true;
		} catch (error) {
			logger.debug({ err: error, channel }, 'publishing to the other instances failed');
			return false;
		}
	}

	/** `listener` runs each time the subscriber is back after losing its connection. */
	onReconnected(listener: () => void): () => void {
		this.reconnectListeners.add(listener);
		return () => this.reconnectListeners.delete(listener);
	}

	async close(): Promise<void> {
		this.handlers.clear();
		this.reconnectListeners.clear();
		await closeRedisClient(this.subscriber);
	}

	private deliver(channel: string, message: Buffer): void {
		for (const handler of [...(this.handlers.get(channel) ?? [])]) {
			try {
				handler(message);
			} catch (error) {
				logger.error({ err: error, channel }, 'a cluster message handler failed');
			}
		}
	}

	/** Each (re)connection: holders may have missed messages while there was none. */
	private async ready(): Promise<void> {
		if (this.handlers.size === 0) return;
		// ioredis has sent the SUBSCRIBEs again; a PING's answer comes after theirs, so from then on
		// nothing published is missed, and whatever was missed before is in the store.
		await this.subscriber.ping().catch(() => undefined);
		logger.info({ channels: this.handlers.size }, 'redis subscriber is back: re-reading what this instance holds');
		for (const listener of [...this.reconnectListeners]) {
			try {
				listener();
			} catch (error) {
				logger.error({ err: error }, 'a cluster reconnect listener failed');
			}
		}
	}
}
