// The live transports, mounted on the app's own HTTP server (one port for everything): the Yjs
// sync of prompt drafts at /yjs/<promptId>, and the socket.io hub of generation sessions at
// /socket.io/ (socket.io answers its own path's requests and upgrades).
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { runtime, slot } from '$lib/server/runtime';
import { GenerationHub, type HubMetrics } from './hub/server';
import { YjsServer, type YjsMetrics } from './yjs/server';

export { YjsServer, type YjsMetrics, type YjsServerOptions } from './yjs/server';

export interface RealtimeStatus {
	mounted: boolean;
	mountedAt: string | null;
	/** Path prefixes whose WebSocket upgrades realtime/ answers. */
	paths: string[];
}

type State = { status: RealtimeStatus; server: HttpServer; yjs: YjsServer; hub: GenerationHub; onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void };
/** What is mounted, in the runtime: dev may load this module through more than one module graph. */
const mounted = slot<State | undefined>('realtime', () => undefined);

/** The upgrade paths realtime/ owns; every other upgrade (Vite's HMR socket, say) is left alone. */
const OWNED_PATHS: string[] = [YJS_PATH_PREFIX];

/** Idempotent: dev may load this module through more than one module graph. */
export function attachRealtime(server: HttpServer): RealtimeStatus {
	const existing = mounted.peek();
	if (existing?.server === server) return existing.status;
	const yjs = new YjsServer();
	const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = new URL(request.url ?? '/', 'http://localhost').pathname;
		if (path.startsWith(YJS_PATH_PREFIX)) return yjs.handleUpgrade(request, socket, head);
		if (OWNED_PATHS.some((prefix) => path.startsWith(prefix))) socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
	};
	server.on('upgrade', onUpgrade);
	const hub = new GenerationHub(server);
	const status: RealtimeStatus = { mounted: true, mountedAt: new Date().toISOString(), paths: [...OWNED_PATHS, SESSION_SOCKET_PATH] };
	mounted.set({ status, server, yjs, hub, onUpgrade });
	return status;
}

/** Closes every live socket (clients reconnect elsewhere) and stores pending draft updates. */
export async function closeRealtime(): Promise<void> {
	const state = mounted.peek();
	if (!state) return;
	state.server.off('upgrade', state.onUpgrade);
	mounted.clear();
	await Promise.all([state.yjs.close(), state.hub.close()]);
}

export function realtimeStatus(): RealtimeStatus {
	return mounted.peek()?.status ?? { mounted: false, mountedAt: null, paths: [] };
}

/** Live figures of the Yjs sync (connections, rooms, dropped viewer updates, closes by code). */
export function yjsMetrics(): YjsMetrics | null {
	return mounted.peek()?.yjs.metrics() ?? null;
}

/** Live figures of the generation hub (sockets, sessions with someone in them). */
export function hubMetrics(): HubMetrics | null {
	return mounted.peek()?.hub.metrics() ?? null;
}

/** The HTTP server that server.js (production) or the Vite plugin (dev) handed the runtime, if any. */
export function registeredHttpServer(): HttpServer | undefined {
	return runtime().host.httpServer;
}
