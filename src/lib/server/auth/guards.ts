import { redirect } from '@sveltejs/kit';
import type { SessionUser } from './session';

/** Signed-in user, or a redirect to sign in that comes back to this page afterwards. */
export function requireUser(locals: App.Locals, url: URL): SessionUser {
	if (!locals.user) {
		const back = url.pathname + url.search;
		redirect(303, `/signin?redirectTo=${encodeURIComponent(back)}`);
	}
	return locals.user;
}
