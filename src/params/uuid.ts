// A route segment that names a row by its uuid (a run, a session, a review, an evaluation). Anything
// else is no address of the studio: the router answers 404 before a load or action asks the
// database, which refuses a malformed uuid with an error (a 500), not with "no such row".
import type { ParamMatcher } from '@sveltejs/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const match: ParamMatcher = (param) => UUID.test(param);
