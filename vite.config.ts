import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';

/** The studio's runtime (src/lib/server/runtime): it takes the dev server's HTTP server as its host. */
const RUNTIME = Symbol.for('codetunestudio.runtime');

/**
 * Mounts realtime/ on the dev server's own HTTP server, so that dev serves pages, the Yjs sync
 * and the socket.io hub on one port exactly as server.js does in production.
 */
function realtimeOnDevServer(): Plugin {
	return {
		name: 'codetunestudio-realtime',
		configureServer(server: ViteDevServer) {
			const httpServer = server.httpServer;
			if (!httpServer) return; // middleware mode: the embedding server mounts realtime itself
			const globals = globalThis as Record<symbol, { host?: { httpServer?: typeof httpServer } } | undefined>;
			const found = globals[RUNTIME];
			if (found?.host) found.host.httpServer = httpServer;
			else globals[RUNTIME] = { host: { httpServer } };
			httpServer.once('listening', async () => {
				try {
					const realtime = await server.ssrLoadModule('/realtime/index.ts');
					await realtime.attachRealtime(httpServer);
				} catch (error) {
					server.config.logger.error(`realtime failed to start: ${(error as Error).stack ?? error}`);
				}
			});
		}
	};
}

export default defineConfig({
	plugins: [tailwindcss(), sveltekit(), realtimeOnDevServer()],
	server: { port: Number(process.env.PORT ?? 5173) }
});
