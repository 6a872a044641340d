// handleError: an unexpected failure is logged once, with an id, and the user sees a calm message
// with that id; a 404 says so plainly, the database's absence gets its own message (503), and a
// request SvelteKit refused (4xx) keeps its message, unlogged.
import type { HandleServerError } from '@sveltejs/kit';
import { logger } from '../logger';
import { databaseUnreachableError } from './database-outage';

export const handleServerError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: 'Not found.' };
	const outage = databaseUnreachableError(error, event);
	if (outage) return outage;
	// SvelteKit's own refusal of a request (an address it cannot decode is 400) is the client's
	// mistake, not a failure of ours: nothing to log, or anyone could fill the log with traces.
	if (status < 500) return { message };
	const errorId = crypto.randomUUID();
	logger.error({ err: error, errorId, method: event.request.method, path: event.url.pathname, status }, message);
	return { message: 'Something went wrong on our side. We logged it.', errorId };
};
