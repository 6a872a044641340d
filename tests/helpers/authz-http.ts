// Asks one HTTP row of the authorisation matrix as every actor, against a running studio, and says
// what went wrong: an outcome other than the row's, a refused write that changed the database, a
// page that shows an actor what it may not see.
import type { AppServer } from './app-server';
import { ACTORS, databaseState, type Actor, type AuthzFixture } from './authz-fixture';
import { describeExpectation, describeOutcome, isAllowed, matches, type Outcome } from './authz-matrix';
import { resolveTarget, type HttpAttempt, type HttpRow } from './authz-pages';

/**
 * One request with the actor's cookie from our own origin, following no redirect. A form action is
 * posted as SvelteKit's enhanced forms post it, so that the answer is the action's own (a page load
 * run after a plain POST could turn an action's success into the load's 404, hiding what it did).
 */
async function ask(app: AppServer, path: string, cookie: string | null, form?: Record<string, string>) {
	const response = await fetch(app.url + path, {
		method: form ? 'POST' : 'GET',
		redirect: 'manual',
		body: form ? new URLSearchParams(form).toString() : undefined,
		headers: {
			origin: app.url,
			...(form ? { accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': 'application/x-www-form-urlencoded' } : { accept: 'text/html' }),
			...(cookie ? { cookie } : {})
		}
	});
	const body = await response.text();
	if (!form || !(response.headers.get('content-type') ?? '').includes('application/json')) {
		return { status: response.status, location: response.headers.get('location'), body };
	}
	const result = JSON.parse(body) as { type: 'success' | 'failure' | 'redirect' | 'error'; status?: number; location?: string };
	if (result.type === 'success') return { status: 200, location: null, body };
	if (result.type === 'redirect') return { status: 303, location: result.location ?? null, body };
	return { status: result.status ?? response.status, location: null, body };
}

export function rowTitle(row: HttpRow): string {
	return `${row.surface}${row.variant ? ` (${row.variant})` : ''}: ${describeExpectation(row.expect)}`;
}

/** Asks the row's surface as every actor; answers with what went wrong, one line each. */
export async function checkHttpRow(app: AppServer, fx: AuthzFixture, row: HttpRow): Promise<string[]> {
	// Made together (each actor's target is its own).
	const attempts = await Promise.all(ACTORS.map((actor) => row.attempt(fx, actor)));
	const ask1 = (i: number) => checkAttempt(app, fx, row, ACTORS[i]!, attempts[i]!);
	// Reads are asked side by side; writes one after another, so that a refused one's database
	// before and after are not disturbed by another actor's allowed one.
	if (attempts.every((attempt) => attempt.form === undefined)) return (await Promise.all(ACTORS.map((_, i) => ask1(i)))).flat();
	const wrong: string[] = [];
	for (const i of ACTORS.keys()) wrong.push(...(await ask1(i)));
	return wrong;
}

async function checkAttempt(app: AppServer, fx: AuthzFixture, row: HttpRow, actor: Actor, attempt: HttpAttempt): Promise<string[]> {
	const wrong: string[] = [];
	const cookie = attempt.cookie !== undefined ? attempt.cookie : actor === 'anonymous' ? null : fx.people[actor].cookie;
	const outcome = row.expect[actor];
	const expected: Outcome = typeof outcome === 'object' ? { to: resolveTarget(outcome.to, fx) } : outcome;
	const workspaces = [fx.workspace.id, ...(attempt.workspaceIds ?? [])];
	const write = attempt.form !== undefined;
	const before = write && !isAllowed(expected) ? await databaseState(workspaces) : null;
	const answer = await ask(app, attempt.path, cookie, attempt.form);
	if (!matches(expected, answer)) {
		wrong.push(`${actor}: expected ${describeOutcome(expected)}, got ${answer.status}${answer.location ? ` → ${answer.location}` : ''} (${attempt.path})`);
	}
	if (before !== null && (await databaseState(workspaces)) !== before) wrong.push(`${actor}: refused, yet the database changed (${attempt.path})`);
	if (row.hidden && answer.status === 200) {
		const text = row.hidden.text(fx);
		if (row.hidden.from.includes(actor) && answer.body.includes(text)) wrong.push(`${actor}: the page shows "${text}", which it may not see`);
		if (row.hidden.shownTo.includes(actor) && !answer.body.includes(text)) wrong.push(`${actor}: the page should show "${text}" (the leak check would not bite)`);
	}
	await attempt.after?.();
	return wrong;
}
