// GET /metrics: the studio's Prometheus metrics (src/lib/server/metrics). Open unless METRICS_TOKEN
// is set; then a scraper sends `Authorization: Bearer <METRICS_TOKEN>`.
import { timingSafeEqual } from 'node:crypto';
import { config } from '$lib/server/config';
import { metricsExposition } from '$lib/server/metrics';
import type { RequestHandler } from './$types';

function authorised(request: Request): boolean {
	const token = config().METRICS_TOKEN;
	if (!token) return true;
	const sent = Buffer.from(/^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization')?.trim() ?? '')?.[1] ?? '');
	const expected = Buffer.from(token);
	return sent.length === expected.length && timingSafeEqual(sent, expected);
}

export const GET: RequestHandler = async ({ request }) => {
	if (!authorised(request)) {
		return new Response('Send Authorization: Bearer <METRICS_TOKEN>.\n', { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' } });
	}
	const { body, contentType } = await metricsExposition();
	return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
};
