// Production entry: one HTTP server serves the SvelteKit app (adapter-node's handler) and
// realtime/ (mounted when the studio starts, from hooks.server.ts `init`, which runs when the handler
// is imported).
import { createServer } from 'node:http';

const server = createServer();
// The studio's runtime (src/lib/server/runtime) lives under this key: it takes this server as its
// host when the app creates it, and it is what stops the studio.
const RUNTIME = Symbol.for('codetunestudio.runtime');
globalThis[RUNTIME] = { host: { httpServer: server } };

// Forwarded headers are trusted only when asked: a client that reaches this port directly can write
// any X-Forwarded-* it likes. TRUST_PROXY=1 (a Space, or any proxy that sets these headers) turns on
// adapter-node's reading of them, leaving any of its variables set explicitly as they are.
const TRUST_PROXY = (process.env.TRUST_PROXY ?? '').trim().toLowerCase();
if (!['', '0', 'false', '1', 'true'].includes(TRUST_PROXY)) {
	console.error(`TRUST_PROXY must be 1 or 0 (true or false), not ${JSON.stringify(process.env.TRUST_PROXY)}`);
	process.exit(1);
}
if (TRUST_PROXY === '1' || TRUST_PROXY === 'true') {
	const PROXY_HEADERS = { PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' };
	for (const [name, value] of Object.entries(PROXY_HEADERS)) process.env[name] ||= value;
}

// adapter-node takes every request for https unless told otherwise (ORIGIN, PROTOCOL_HEADER), and
// then refuses the browser's own form posts from http://… as cross-site. This server is plain HTTP:
// where nobody configured a proxy, it says so on each request through a header of its own (set
// here, so a client cannot forge it).
const SCHEME_HEADER = 'x-codetunestudio-scheme';
const tellScheme = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (tellScheme) process.env.PROTOCOL_HEADER = SCHEME_HEADER;

// adapter-node serves the built assets (/_app/immutable/…, static/) before SvelteKit's `handle`,
// which sets every other response's security headers (src/lib/server/security-headers.ts); these
// are the ones that matter for a file.
const FILE_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'strict-origin-when-cross-origin' };

const { handler } = await import('./build/handler.js');
server.on('request', (request, response) => {
	// A TLS proxy in front (a Space) says https in X-Forwarded-Proto. Believing it without
	// TRUST_PROXY is safe: it only decides whether this request's own page was https (its form posts'
	// origin, its cookie's Secure flag), so a forger fools nobody but itself; the client address,
	// which rate limits count, is never taken from a header unless trusted.
	if (tellScheme) request.headers[SCHEME_HEADER] = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
	for (const [name, value] of Object.entries(FILE_HEADERS)) response.setHeader(name, value);
	handler(request, response);
});

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);
server.listen(port, host, () => {
	console.log(`CodeTuneStudio listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});

async function shutdown(signal) {
	console.log(`${signal}: closing`);
	setTimeout(() => process.exit(1), 10_000).unref();
	// No new connections (idle keep-alive ones close now). Requests still answering are cut only
	// after the studio stops: it ends their runs first, so an API run's stream gets its `done` (failed:
	// the studio stopped) instead of a cut that would read as its client going away. Stopping closes
	// what must be closed cleanly (the embedded database flushes on close).
	server.close();
	try {
		await globalThis[RUNTIME]?.stop?.();
	} catch (error) {
		console.error('shutdown failed', error);
	}
	server.closeAllConnections();
	process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
