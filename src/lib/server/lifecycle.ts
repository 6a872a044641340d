// Starting and stopping the whole studio, in order, through the one runtime that owns its state
// (./runtime). hooks.server.ts starts it from `init`; server.js stops it on SIGTERM/SIGINT after it
// stops taking requests; a test can do both, and start it again, in one process.
import { attachRealtime, closeRealtime, hubMetrics, registeredHttpServer, yjsMetrics } from '$realtime/index';
import { leaveCluster, joinCluster } from './cluster';
import { config } from './config';
import { closeDatabase, database } from './db';
import { closeDrafts, configureDrafts } from './drafts';
import { closeSandbox, failAbandonedEvaluations, keepEvaluations } from './evaluation';
import { activeRuns, closeGeneration, startGeneration } from './generation';
import { abandonedAtStart, stopBeat } from './heartbeat';
import { unlessDatabaseUnreachable } from './http';
import { logger } from './logger';
import { readLiveFiguresFrom } from './metrics';
import { closeRedis, redisReady } from './redis';
import { runtime } from './runtime';

/** Starts the studio once (a second call, as after a dev reload, waits for the first). */
export function startStudio(): Promise<void> {
	return runtime().start(start);
}

/** Stops the studio and forgets its state; a no-op when it is not started. */
export function stopStudio(): Promise<void> {
	return runtime().stop();
}

async function start(): Promise<() => Promise<void>> {
	const { DRAFT_UNLOAD_GRACE_MS, DRAFT_COMPACT_EVERY } = config();
	configureDrafts({ unloadGraceMs: DRAFT_UNLOAD_GRACE_MS, compactEvery: DRAFT_COMPACT_EVERY });
	await Promise.all([database(), redisReady()]);
	await joinCluster();
	await unlessDatabaseUnreachable('ending abandoned runs', startGeneration(), undefined);
	keepEvaluations();
	const abandoned = await unlessDatabaseUnreachable('ending abandoned evaluations', failAbandonedEvaluations(abandonedAtStart()), 0);
	if (abandoned > 0) logger.warn({ count: abandoned }, 'evaluations left running by a stopped studio were marked failed');
	const server = registeredHttpServer();
	if (server) attachRealtime(server);
	readLiveFiguresFrom(() => ({ activeRuns: activeRuns().size, yjs: yjsMetrics(), hub: hubMetrics() }));
	return stop;
}

async function stop(): Promise<void> {
	// Sockets first: closing them stores every pending draft update while the database is still open.
	await closeRealtime().catch((error) => logger.error({ err: error }, 'closing realtime failed'));
	// Runs going on end as failed, recorded while the database is still open.
	await closeGeneration().catch((error) => logger.error({ err: error }, 'closing generation failed'));
	stopBeat('evaluations');
	closeSandbox();
	// Whatever a request stored in a draft since is stored too; then the drafts let their timers go.
	await closeDrafts().catch((error) => logger.error({ err: error }, 'closing drafts failed'));
	await Promise.allSettled([closeDatabase(), leaveCluster().then(closeRedis)]);
}
