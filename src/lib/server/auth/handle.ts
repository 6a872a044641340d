// The request hook's sign-in step: the session cookie's user and session on `event.locals` for every
// request (null when signed out), the cookie renewed or dropped as the session says.
import type { Handle } from '@sveltejs/kit';
import { SESSION_COOKIE, deleteSessionTokenCookie, setSessionTokenCookie, validateSessionToken } from './session';

export const handleSession: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	event.locals.user = null;
	event.locals.session = null;
	if (token) {
		const result = await validateSessionToken(token);
		if (result.session) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			if (result.renewed) setSessionTokenCookie(event.cookies, event.url, token, result.session.expiresAt);
		} else {
			deleteSessionTokenCookie(event.cookies, event.url);
		}
	}
	return resolve(event);
};
