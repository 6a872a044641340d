// POST /api/v1/prompts/{slug}/render {label?|version?, variables}: the version rendered (scope: read);
// a variable the template needs and the body lacks is 400 missing_variables, naming each.
import { json } from '@sveltejs/kit';
import { ApiError, apiHandler, jsonBody, renderApiPrompt, renderRequestSchema } from '$lib/server/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiHandler('read', async (caller, { params, request }) => {
	const body = renderRequestSchema.safeParse(await jsonBody(request));
	if (!body.success) throw new ApiError('invalid_request', body.error.issues[0]!.message, { issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
	return json(await renderApiPrompt(caller, params.slug, body.data));
});
