// Several instances of the studio share work through Redis: when REDIS_URL is set, this process
// joins the others on a ClusterBus (drafts' updates and presence, domain events); unset, it is the
// only instance and everything fans out in process.
import { config } from '../config';
import { redis, redisKey } from '../redis';
import { ClusterBus } from './bus';
import { relayDomainEvents } from './domain-events';

export { ClusterBus, type ChannelHandler } from './bus';

const BUS = Symbol.for('codetunestudio.cluster');
const globals = globalThis as Record<symbol, ClusterBus | null | undefined>;

/** The bus, or null when this is the only instance (no REDIS_URL). */
export function clusterBus(): ClusterBus | null {
	if (globals[BUS] === undefined) {
		const url = config().REDIS_URL;
		const publisher = redis();
		globals[BUS] = url && publisher ? new ClusterBus(url, publisher) : null;
	}
	return globals[BUS] ?? null;
}

/** A channel's name, under the studio's Redis prefix (several studios may share one Redis). */
export function clusterChannel(...parts: string[]): string {
	return redisKey('cluster', ...parts);
}

const STOP_RELAY = Symbol.for('codetunestudio.cluster.relay');
const relayStops = globalThis as Record<symbol, (() => Promise<void>) | undefined>;

/** At start: domain events of this instance reach the others and theirs reach it (no-op alone). */
export async function joinCluster(): Promise<void> {
	const bus = clusterBus();
	if (!bus || relayStops[STOP_RELAY]) return;
	relayStops[STOP_RELAY] = await relayDomainEvents(bus, clusterChannel('events'));
}

export async function leaveCluster(): Promise<void> {
	const stop = relayStops[STOP_RELAY];
	relayStops[STOP_RELAY] = undefined;
	await stop?.();
	const bus = globals[BUS];
	globals[BUS] = undefined;
	await bus?.close();
}
