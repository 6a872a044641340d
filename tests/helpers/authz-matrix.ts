// The authorisation matrix as data: for each surface, what each actor must get. An outcome is what a
// browser (or client) observes: the page or action works, a redirect to sign in, or a refusal with
// its status. Shorthands name the rules the studio applies (public, signed in, member with a role at
// least, site admin only); a row overrides single cells where a rule differs.
import type { Role } from '$lib/schemas/workspace';
import { ACTORS, type Actor } from './authz-fixture';

/**
 * 'ok': 200, or a 303 elsewhere than the sign-in page (an action that redirects on success);
 * 'signin': 303 to /signin?redirectTo=…; { to }: a 303 to exactly that path; a number: that status.
 */
export type Outcome = 'ok' | 'signin' | 400 | 401 | 403 | 404 | 409 | { to: string };
export type Expectation = Record<Actor, Outcome>;

export const every = (outcome: Outcome): Expectation => Object.fromEntries(ACTORS.map((actor) => [actor, outcome])) as Expectation;

/** Anyone, signed in or not. */
export const anyone = every('ok');
/** Signed-in people, whoever they are; the anonymous go to sign in. */
export const signedIn: Expectation = { ...every('ok'), anonymous: 'signin' };
/** Site admins; everyone else, signed in or not, sees no such page (404). */
export const siteAdminOnly: Expectation = { ...every(404), siteAdmin: 'ok' };

/**
 * Members of the workspace whose role is at least `least`: a lower role gets 403, a non-member 404
 * (the workspace's existence is not revealed, site admins included), the anonymous sign in.
 */
export function member(least: Role, over: Partial<Expectation> = {}): Expectation {
	const rank: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };
	const allowed = (role: Role): Outcome => (rank[role] >= rank[least] ? 'ok' : 403);
	return { anonymous: 'signin', outsider: 404, siteAdmin: 404, viewer: allowed('viewer'), editor: allowed('editor'), owner: allowed('owner'), ...over };
}

export function describeOutcome(outcome: Outcome): string {
	return typeof outcome === 'object' ? `→${outcome.to}` : String(outcome);
}

/** The row's expectations in one line, for test names: "anonymous signin · outsider 404 · …". */
export function describeExpectation(expectation: Expectation): string {
	return ACTORS.map((actor) => `${actor} ${describeOutcome(expectation[actor])}`).join(' · ');
}

export interface Observed {
	status: number;
	location: string | null;
}

/** Whether an HTTP answer is the outcome; 'ok' also refuses a 303 that lands on the sign-in page. */
export function matches(outcome: Outcome, { status, location }: Observed): boolean {
	const toSignin = status === 303 && (location ?? '').startsWith('/signin?redirectTo=');
	if (outcome === 'ok') return status === 200 || (status === 303 && !toSignin && location !== null);
	if (outcome === 'signin') return toSignin;
	if (typeof outcome === 'object') return status === 303 && location === outcome.to;
	return status === outcome;
}

/** Whether the outcome lets the actor through (a write that may change the database). */
export const isAllowed = (outcome: Outcome) => outcome === 'ok' || typeof outcome === 'object';
