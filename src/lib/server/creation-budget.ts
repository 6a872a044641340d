// How much one account may create in an hour: workspaces, prompts and live sessions. With open
// sign-up an account costs a stranger nothing, and each of these is a row that stays (a session
// also keeps up to a million characters of shared variable values for 30 days), so without a
// budget one script could fill the database and Redis. Sign-ups per address bound how many accounts
// an address makes; this bounds what each account can pile up. Counted where every instance sees
// it (rate-limit.ts); the point is taken before the row is written, so requests fired at once are
// counted too.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from './config';
import { ServiceError } from './errors';
import { sharedLimiter, takePoints } from './rate-limit';
import { slot } from './runtime';
import { minutesToWait } from './wait-words';

export type Creation = 'workspace' | 'prompt' | 'session';

const WORDS: Record<Creation, string> = { workspace: 'workspaces', prompt: 'prompts', session: 'sessions' };

const limiters = slot('creationBudget.limiters', (): Record<Creation, RateLimiterAbstract> => {
	const c = config();
	return {
		workspace: sharedLimiter(['create', 'workspace'], c.CREATE_WORKSPACES_PER_HOUR, 3600),
		prompt: sharedLimiter(['create', 'prompt'], c.CREATE_PROMPTS_PER_HOUR, 3600),
		session: sharedLimiter(['create', 'session'], c.OPEN_SESSIONS_PER_HOUR, 3600)
	};
});

/** Takes one of the user's points for `what`, or refuses (429, with how long to wait) once the hour's are spent. */
export async function spendCreation(userId: string, what: Creation): Promise<void> {
	const gate = await takePoints([[limiters()[what], userId]]);
	if (!gate.allowed) {
		throw new ServiceError(
			429,
			`You have made as many ${WORDS[what]} as an account may in an hour. Try again in ${minutesToWait(gate.retryAfterSeconds)}.`,
			undefined,
			gate.retryAfterSeconds
		);
	}
}
