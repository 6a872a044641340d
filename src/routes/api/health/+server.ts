import { json } from '@sveltejs/kit';
import { MODEL_IDS } from '$lib/models';
import { hubMetrics, realtimeStatus } from '$realtime/index';
import { database } from '$lib/server/db';
import { activeRuns, generationSettings } from '$lib/server/generation';
import { isModelConfigured } from '$lib/server/models/registry';
import type { RequestHandler } from './$types';

/**
 * Liveness for load balancers and the Space: the database answers and realtime/ is mounted; also
 * which models have an endpoint and how busy the generation hub is (no secrets: no URLs).
 */
export const GET: RequestHandler = async () => {
	const db = await database();
	await db.prisma.$queryRaw`SELECT 1`;
	const endpoints = generationSettings().endpoints;
	return json({
		ok: true,
		database: db.target.kind === 'postgres' ? 'postgresql' : 'embedded',
		realtime: realtimeStatus(),
		models: Object.fromEntries(MODEL_IDS.map((id) => [id, isModelConfigured(id, endpoints) ? 'configured' : 'not-configured'])),
		generation: { activeRuns: activeRuns().size, hub: hubMetrics() }
	});
};
