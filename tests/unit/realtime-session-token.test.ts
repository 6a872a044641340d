// The session cookie a socket's opening request carries is anyone's to write: a value that is not a
// session token (a malformed %-escape, a foreign shape) is no session, so the socket is refused as
// signed out (4401 / unauthorized) instead of failing with 1011 and an error in the log.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, generateSessionToken } from '$lib/server/auth';
import { sessionToken } from '../../realtime/http-auth';

const opening = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

describe("a socket's session cookie", () => {
	it('reads a real token among other cookies', () => {
		const token = generateSessionToken();
		expect(sessionToken(opening(`theme=dark; ${SESSION_COOKIE}=${token}; other=1`))).toBe(token);
	});

	it('is no session when absent, empty, malformed or not a token’s shape — never a throw', () => {
		for (const cookie of [undefined, '', `${SESSION_COOKIE}=`, `${SESSION_COOKIE}=%E0`, `${SESSION_COOKIE}=%`, `${SESSION_COOKIE}=abc%00def`, `${SESSION_COOKIE}=${'a'.repeat(500)}`, `${SESSION_COOKIE}=ABC; x=1`]) {
			expect(() => sessionToken(opening(cookie)), String(cookie)).not.toThrow();
			expect(sessionToken(opening(cookie)), String(cookie)).toBeNull();
		}
	});
});
