import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';

const HTTP_SERVER = Symbol.for('codetunestudio.httpServer');

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
			(globalThis as Record<symbol, unknown>)[HTTP_SERVER] = httpServer;
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
