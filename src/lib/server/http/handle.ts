// The request hook's outer steps: a body the app cannot read is refused before any route (or the
// session lookup) runs, and every response leaves with the security headers.
import type { Handle } from '@sveltejs/kit';
import { refuseUnreadableBody } from './request-limits';
import { withSecurityHeaders } from './security-headers';

export const guardRequest: Handle = async ({ event, resolve }) => {
	const refused = await refuseUnreadableBody(event);
	if (refused) return withSecurityHeaders(event, refused);
	return withSecurityHeaders(event, await resolve(event));
};
