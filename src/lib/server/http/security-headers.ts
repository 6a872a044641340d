// The security headers every response carries. Pages get SvelteKit's own Content-Security-Policy
// (kit.csp in svelte.config.js, which says why each directive is what it is, with a nonce for its
// inline bootstrap script); everything else (JSON, the run stream, the OpenAPI document, a fallback
// error page) gets one that allows nothing.
import type { RequestEvent } from '@sveltejs/kit';

/**
 * For responses that are not pages: nothing may load, nothing may frame them. Inline styles only,
 * for SvelteKit's fallback error page (its own <style>, shown when +error.svelte itself fails).
 */
const NON_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const ALWAYS: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'strict-origin-when-cross-origin',
	// frame-ancestors 'none' says the same to browsers that read CSP; this is for those that do not.
	'x-frame-options': 'DENY',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
	'cross-origin-opener-policy': 'same-origin'
};

/** HSTS only over https: sent over plain http it would be ignored, and it would pin a dev host. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** The page's own ws:/wss: origin added to connect-src. */
function withSocketOrigin(csp: string, url: URL): string {
	const socketOrigin = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
	return csp.replace(/(^|;\s*)connect-src ([^;]*)/, (_, start: string, sources: string) => `${start}connect-src ${sources} ${socketOrigin}`);
}

/** Sets the security headers on a response (a new one when its headers are immutable, as fetch's are). */
export function withSecurityHeaders(event: RequestEvent, response: Response): Response {
	let headers: Headers;
	try {
		response.headers.set('x-content-type-options', 'nosniff');
		headers = response.headers;
	} catch {
		response = new Response(response.body, response);
		headers = response.headers;
	}
	for (const [name, value] of Object.entries(ALWAYS)) headers.set(name, value);
	if (event.url.protocol === 'https:') headers.set('strict-transport-security', HSTS);
	const pageCsp = headers.get('content-security-policy');
	headers.set('content-security-policy', pageCsp ? withSocketOrigin(pageCsp, event.url) : NON_PAGE_CSP);
	return response;
}
