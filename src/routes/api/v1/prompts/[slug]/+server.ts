// GET /api/v1/prompts/{slug}?label=production | ?version=3: one version of a prompt (scope: read);
// with neither, the version labelled production, else the newest.
import { json } from '@sveltejs/kit';
import { ApiError, apiHandler, fetchApiPrompt, versionQuerySchema } from '$lib/server/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiHandler('read', async (caller, { params, url }) => {
	const query = versionQuerySchema.safeParse(Object.fromEntries(url.searchParams));
	if (!query.success) throw new ApiError('invalid_request', query.error.issues[0]!.message, { issues: query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
	return json(await fetchApiPrompt(caller, params.slug, query.data));
});
