// An open socket's sign-in session, for both live transports. Sign-out reaches sockets at once as a
// domain event; this also reads the session again at its expiry and every SESSION_CHECK_MS, so a
// socket ends when its session expires, or when its row went without an event (deleted by hand).
import { sessionExpiry } from '$lib/server/auth';
import { config } from '$lib/server/config';
import { logger } from '$lib/server/logger';

/** setTimeout's longest delay; sessions last longer, so a long wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `ended` once the session has expired or is gone; returns the stop. */
export function watchSession(sessionId: string, expiresAt: Date, ended: () => void, everyMs = config().SESSION_CHECK_MS): () => void {
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	const schedule = (until: Date) => {
		if (stopped) return;
		timer = setTimeout(check, Math.max(0, Math.min(everyMs, until.getTime() - Date.now(), MAX_TIMER_MS)));
		timer.unref();
	};
	const check = () => {
		sessionExpiry(sessionId).then(
			(next) => {
				if (stopped) return;
				if (next) return schedule(next);
				stopped = true;
				ended();
			},
			(error: Error) => {
				// The database is away: the socket keeps its session until an answer says otherwise.
				logger.warn({ err: error }, 'reading an open socket’s session failed; trying again');
				schedule(new Date(Date.now() + everyMs));
			}
		);
	};
	schedule(expiresAt);
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
