// The request hook's outer steps: an address or a body the app cannot use is refused before any
// route (or the session lookup) runs, and every response leaves with the security headers.
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { ApiError, errorResponse, isApiRequest } from '../api';
import { refuseUnreadableBody } from './request-limits';
import { withSecurityHeaders } from './security-headers';

/**
 * An address holding a NUL (%00) names nothing here: route parameters and query values reach
 * PostgreSQL, which refuses the character with a failure (a 500), so it is answered before any route
 * runs. In the path, nothing is there (404); in the query, the question is malformed (400).
 */
function refuseUnusableAddress({ url }: RequestEvent): Response | null {
	const inPath = /%00/i.test(url.pathname);
	if (!inPath && !/%00/i.test(url.search)) return null;
	const api = isApiRequest(url);
	if (inPath) return api ? errorResponse(new ApiError('not_found', 'Nothing is at this address.')) : text(404, 'Not found.');
	return api ? errorResponse(new ApiError('invalid_request', 'The address holds a NUL character.')) : text(400, 'The address holds a NUL character.');
}

const text = (status: number, message: string) => new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

export const guardRequest: Handle = async ({ event, resolve }) => {
	const refused = refuseUnusableAddress(event) ?? (await refuseUnreadableBody(event));
	if (refused) return withSecurityHeaders(event, refused);
	return withSecurityHeaders(event, await resolve(event));
};
