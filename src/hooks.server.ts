// Request dispatch: open the database and mount realtime/ once, put the session's user on locals
// for every request, and turn unexpected errors into one log line and a calm message with an id.
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { attachRealtime, closeRealtime, hubMetrics, registeredHttpServer, yjsMetrics } from '$realtime/index';
import { SESSION_COOKIE, deleteSessionTokenCookie, setSessionTokenCookie, validateSessionToken } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { closeDatabase, database } from '$lib/server/db';
import { configureDrafts } from '$lib/server/drafts';
import { activeRuns, closeGeneration, startGeneration } from '$lib/server/generation';
import { readLiveFiguresFrom } from '$lib/server/metrics';
import { closeRedis, redisReady } from '$lib/server/redis';
import { joinCluster, leaveCluster } from '$lib/server/cluster';
import { failAbandonedEvaluations, keepEvaluations } from '$lib/server/evaluation';
import { abandonedAtStart, stopBeat } from '$lib/server/heartbeat';
import { logger } from '$lib/server/logger';
import { databaseUnreachableError, refuseUnreadableBody, unlessDatabaseUnreachable, withDatabaseOutage, withSecurityHeaders } from '$lib/server/http';

/** server.js calls this on SIGTERM/SIGINT, after it stops taking requests. */
async function shutdown() {
	// Sockets first: closing them stores every pending draft update while the database is still open.
	await closeRealtime().catch((error) => logger.error({ err: error }, 'closing realtime failed'));
	// Runs going on end as failed, recorded while the database is still open.
	await closeGeneration().catch((error) => logger.error({ err: error }, 'closing generation failed'));
	stopBeat('evaluations');
	await Promise.allSettled([closeDatabase(), leaveCluster().then(closeRedis)]);
}

export const init: ServerInit = async () => {
	(globalThis as Record<symbol, unknown>)[Symbol.for('codetunestudio.shutdown')] = shutdown;
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
};

export const handle: Handle = withDatabaseOutage(async ({ event, resolve }) => {
	const refused = await refuseUnreadableBody(event);
	if (refused) return withSecurityHeaders(event, refused);
	const token = event.cookies.get(SESSION_COOKIE);
	event.locals.user = null;
	event.locals.session = null;
	if (token) {
		const result = await validateSessionToken(token);
		if (result.session) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			if (result.renewed) setSessionTokenCookie(event.cookies, event.url, token, result.session.expiresAt);
		} else {
			deleteSessionTokenCookie(event.cookies, event.url);
		}
	}
	return withSecurityHeaders(event, await resolve(event));
});

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: 'Not found.' };
	const outage = databaseUnreachableError(error, event);
	if (outage) return outage;
	// SvelteKit's own refusal of a request (an address it cannot decode is 400) is the client's
	// mistake, not a failure of ours: nothing to log, or anyone could fill the log with traces.
	if (status < 500) return { message };
	const errorId = crypto.randomUUID();
	logger.error({ err: error, errorId, method: event.request.method, path: event.url.pathname, status }, message);
	return { message: 'Something went wrong on our side. We logged it.', errorId };
};
