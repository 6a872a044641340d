// GET /metrics: the studio's Prometheus metrics (src/lib/server/metrics). Closed unless METRICS_TOKEN
// is set (the port is public: a scrape reveals traffic and activity); then a scraper sends
// `Authorization: Bearer <METRICS_TOKEN>`.
import { timingSafeEqual } from 'node:crypto';
import { config } from '$lib/server/config';
import { metricsExposition } from '$lib/server/metrics';
import type { RequestHandler } from './$types';

function authorised(request: Request, token: string): boolean {
	const sent = Buffer.from(/^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization')?.trim() ?? '')?.[1] ?? '');
	const expected = Buffer.from(token);
	return sent.length === expected.length && timingSafeEqual(sent, expected);
}

export const GET: RequestHandler = async ({ request }) => {
	const token = config().METRICS_TOKEN;
	// No token configured: the endpoint is off, as if it did not exist.
	if (!token) return new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } });
	if (!authorised(request, token)) {
		return new Response('Send Authorization: Bearer <METRICS_TOKEN>.\n', { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' } });
	}
	const { body, contentType } = await metricsExposition();
	return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
};
