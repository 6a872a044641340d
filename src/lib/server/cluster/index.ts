// Several instances of the studio share work through Redis: when REDIS_URL is set, this process
// joins the others on a ClusterBus (drafts' updates and presence, domain events); unset, it is the
// only instance and everything fans out in process.
import { config } from '../config';
import { redis, redisKey } from '../redis';
import { slot } from '../runtime';
import { ClusterBus } from './bus';
import { relayDomainEvents } from './event-relay';

export { ClusterBus, type ChannelHandler } from './bus';

const bus = slot<ClusterBus | null>('cluster', () => {
	const url = config().REDIS_URL;
	const publisher = redis();
	return url && publisher ? new ClusterBus(url, publisher) : null;
});
/** Stops relaying domain events, once joined. */
const relay = slot<(() => Promise<void>) | null>('cluster.relay', () => null);

/** The bus, or null when this is the only instance (no REDIS_URL). */
export function clusterBus(): ClusterBus | null {
	return bus();
}

/** A channel's name, under the studio's Redis prefix (several studios may share one Redis). */
export function clusterChannel(...parts: string[]): string {
	return redisKey('cluster', ...parts);
}

/** At start: domain events of this instance reach the others and theirs reach it (no-op alone). */
export async function joinCluster(): Promise<void> {
	const joined = clusterBus();
	if (!joined || relay()) return;
	relay.set(await relayDomainEvents(joined, clusterChannel('events')));
}

export async function leaveCluster(): Promise<void> {
	const stop = relay.peek();
	relay.clear();
	await stop?.();
	const left = bus.peek();
	bus.clear();
	await left?.close();
}
