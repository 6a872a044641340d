// A route segment that is an invitation link's secret: 20 random bytes in lowercase base32, 32
// characters (workspaces/invitations.ts makes them). Anything else is no address of the studio: the
// router answers 404, as for any malformed id; a well-formed secret that matches no working link gets
// the invite page's one calm sentence instead.
import type { ParamMatcher } from '@sveltejs/kit';

const SECRET = /^[a-z2-7]{32}$/;

export const match: ParamMatcher = (param) => SECRET.test(param);
