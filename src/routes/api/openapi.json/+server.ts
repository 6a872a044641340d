// GET /api/openapi.json: the prompt API's OpenAPI 3.1 document. Public (no token): it describes the
// API, it holds no data; any origin may read it, so API tools in a browser can load it.
import { openApiDocument } from '$lib/server/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () =>
	new Response(openApiDocument().json, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'access-control-allow-origin': '*',
			'cache-control': 'public, max-age=300'
		}
	});
