import { json } from '@sveltejs/kit';
import { MODEL_IDS } from '$lib/models';
import { hubMetrics, realtimeStatus } from '$realtime/index';
import { database, DATABASE_UNREACHABLE_MESSAGE, isDatabaseUnreachable } from '$lib/server/db';
import { activeRuns, generationSettings } from '$lib/server/generation';
import { modelBackend } from '$lib/server/models';
import type { RequestHandler } from './$types';

/**
 * Liveness for load balancers and the Space: the database answers and realtime/ is mounted; also
 * which models have an endpoint (or run on the embedded stand-in) and how busy the generation hub is (no secrets: no URLs).
 * 503 with `database: 'unreachable'` while PostgreSQL cannot be reached (the studio recovers by itself).
 */
export const GET: RequestHandler = async () => {
	const db = await database();
	try {
		await db.prisma.$queryRaw`SELECT 1`;
	} catch (error) {
		if (!isDatabaseUnreachable(error)) throw error;
		return json({ ok: false, database: 'unreachable', message: DATABASE_UNREACHABLE_MESSAGE, realtime: realtimeStatus() }, { status: 503, headers: { 'retry-after': '5' } });
	}
	const endpoints = generationSettings().endpoints;
	return json({
		ok: true,
		database: db.target.kind === 'postgres' ? 'postgresql' : 'embedded',
		realtime: realtimeStatus(),
		// 'endpoint' | 'stand-in' (the embedded model runs it) | 'not-configured'
		models: Object.fromEntries(
			MODEL_IDS.map((id) => {
				const backend = modelBackend(id, endpoints);
				return [id, backend === null ? 'not-configured' : backend.kind === 'endpoint' ? 'endpoint' : 'stand-in'];
			})
		),
		generation: { activeRuns: activeRuns().size, hub: hubMetrics() }
	});
};
