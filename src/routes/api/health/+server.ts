import { json } from '@sveltejs/kit';
import { realtimeStatus } from '$realtime/index';
import { database } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** Liveness for load balancers and the Space: the database answers and realtime/ is mounted. */
export const GET: RequestHandler = async () => {
	const db = await database();
	await db.prisma.$queryRaw`SELECT 1`;
	return json({ ok: true, database: db.target.kind === 'postgres' ? 'postgresql' : 'embedded', realtime: realtimeStatus() });
};
