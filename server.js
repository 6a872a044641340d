// Production entry: one HTTP server serves the SvelteKit app (adapter-node's handler) and
// realtime/ (mounted from hooks.server.ts `init`, which runs when the handler is imported).
import { createServer } from 'node:http';

const server = createServer();
globalThis[Symbol.for('codetunestudio.httpServer')] = server;

const { handler } = await import('./build/handler.js');
server.on('request', handler);

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);
server.listen(port, host, () => {
	console.log(`CodeTuneStudio listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});

function shutdown(signal) {
	console.log(`${signal}: closing`);
	server.close(() => process.exit(0));
	server.closeAllConnections();
	setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
