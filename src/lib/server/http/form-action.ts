// The one shape of a form action: who may act (the guard), what the form must hold (a zod schema),
// and the act itself. The answer is `{ success: true, …what act returned }`, a 400 with per-field
// messages for a bad form, or the service's refusal as a FormFailure with its status. A 404 from the
// service means the page's own subject is gone (the 404 page), unless the action says the missing
// thing is only the form's (`missing: 'message'`: a member or report picked from a list). An act may
// end in a redirect (thrown, as SvelteKit's redirect does): it passes through untouched.
import { error, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { FormFailure } from '$lib/forms';
import { ServiceError } from '../errors';
import { parseForm, toFailure } from './forms';

/** What formAction needs of SvelteKit's RequestEvent (setHeaders, where there, carries a Retry-After). */
type FormEvent = { request: Request; setHeaders?: (headers: Record<string, string>) => void };

export interface FormActionSpec<E extends FormEvent, Actor, S extends z.ZodType, Result extends object> {
	/** Checks who is asking (redirects, 403 or 404 by throwing) and hands the actor to `act`. */
	guard: (event: E) => Actor | Promise<Actor>;
	schema: S;
	act: (actor: Actor, data: z.infer<S>, event: E) => Promise<Result>;
	/** What a 404 from `act` is: the page's subject gone (`'page'`, the default) or a message on the form. */
	missing?: 'page' | 'message';
}

export type FormActionAnswer<Result extends object> = ({ success: true } & Result) | ActionFailure<FormFailure>;

export function formAction<E extends FormEvent, Actor, S extends z.ZodType, Result extends object>({
	guard,
	schema,
	act,
	missing = 'page'
}: FormActionSpec<E, Actor, S, Result>): (event: E) => Promise<FormActionAnswer<Result>> {
	return async (event) => {
		const actor = await guard(event);
		const form = await parseForm(event.request, schema);
		if (!form.ok) return form.failure;
		try {
			return { success: true as const, ...(await act(actor, form.data, event)) };
		} catch (e) {
			if (missing === 'page' && e instanceof ServiceError && e.status === 404) error(404, e.message);
			// A refusal that says when to come back (a throttle, a busy gate) says it to programs too.
			if (e instanceof ServiceError && e.retryAfterSeconds) event.setHeaders?.({ 'retry-after': String(e.retryAfterSeconds) });
			return toFailure(e, form.values);
		}
	};
}
