// Where a person goes after signing in: back to the page they asked for, but only ever a page of
// this studio. An open redirect (`/signin?redirectTo=/%09/evil.example`, F6) would lend our sign-in
// page to phishing: browsers drop tabs and newlines inside a URL and read "\" as "/", so text that
// starts with one slash can still leave the site. The target is resolved as a browser would and its
// origin compared; what is sent back is the resolved path, never the text as given.

/** The page a signed-in person lands on when there is nowhere (safe) to go back to. */
export const AFTER_SIGNIN = '/workspaces';

/** Longer than any path of ours with its query; a longer value is not one we made. */
const MAX_TARGET_LENGTH = 2000;
/** Any control character (browsers strip tabs and newlines, then read what is left) or a backslash. */
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\]/;
/** Stands in for the studio's own origin: only "same as this" matters, whatever the real host is. */
const HERE = 'http://studio.invalid';

/**
 * `target` as a path of this studio (path, query and fragment), or `fallback` when it is missing,
 * not a same-origin path, or anything a browser could read as another site.
 */
export function safeRedirectPath(target: string | null | undefined, fallback: string = AFTER_SIGNIN): string {
	if (!target || target.length > MAX_TARGET_LENGTH || UNSAFE_CHARACTER.test(target)) return fallback;
	// A path of ours, not a scheme ("https:", "javascript:") nor a protocol-relative "//host".
	if (!target.startsWith('/') || target.startsWith('//')) return fallback;
	let resolved: URL;
	try {
		resolved = new URL(target, HERE);
	} catch {
		return fallback;
	}
	if (resolved.origin !== HERE) return fallback;
	// "/..//evil.example" and "/%2e%2e//evil.example" resolve to the path "//evil.example", which as
	// a Location would be protocol-relative: another site.
	if (resolved.pathname.startsWith('//')) return fallback;
	return resolved.pathname + resolved.search + resolved.hash;
}
