// What withSecurityHeaders adds that a plain-http test studio cannot show: HSTS over https only,
// wss: of the page's own host, and responses whose headers cannot be changed (a proxied fetch's).
import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { withSecurityHeaders } from '$lib/server/http';

const at = (url: string) => ({ url: new URL(url) }) as RequestEvent;
const page = () => new Response('<html></html>', { headers: { 'content-security-policy': "default-src 'self'; connect-src 'self'; frame-ancestors 'none'" } });

describe('security headers', () => {
	it('send HSTS over https, never over http', () => {
		expect(withSecurityHeaders(at('https://studio.example/'), page()).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
		expect(withSecurityHeaders(at('http://localhost:5173/'), page()).headers.get('strict-transport-security')).toBeNull();
	});

	it("add the page's own socket origin to connect-src, wss: over https", () => {
		expect(withSecurityHeaders(at('https://studio.example/w/x'), page()).headers.get('content-security-policy')).toBe(
			"default-src 'self'; connect-src 'self' wss://studio.example; frame-ancestors 'none'"
		);
		expect(withSecurityHeaders(at('http://127.0.0.1:4000/'), page()).headers.get('content-security-policy')).toContain("connect-src 'self' ws://127.0.0.1:4000;");
	});

	it('give a response without a policy one that allows nothing, even when its headers are immutable', async () => {
		const fetched = Response.error();
		expect(() => fetched.headers.set('x-test', '1')).toThrow();
		const proxied = new Response('{}', { headers: { 'content-type': 'application/json' } });
		Object.defineProperty(proxied, 'headers', { value: fetched.headers });
		const response = withSecurityHeaders(at('http://localhost/api'), proxied);
		expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none';/);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
