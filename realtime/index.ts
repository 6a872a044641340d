// The live transports, mounted on the app's own HTTP server (one port for everything).
// The foundation only mounts and reports health; the Yjs sync and the socket.io hub plug in here.
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RealtimeStatus {
	mounted: boolean;
	mountedAt: string | null;
	/** Path prefixes whose WebSocket upgrades realtime/ answers. */
	paths: string[];
}

const STATE = Symbol.for('codetunestudio.realtime');
type State = { status: RealtimeStatus; server: HttpServer };
const globals = globalThis as Record<symbol, State | undefined>;

/** The upgrade paths realtime/ owns; every other upgrade (Vite's HMR socket, say) is left alone. */
const OWNED_PATHS: string[] = [];

function onUpgrade(request: IncomingMessage, socket: Duplex) {
	const path = new URL(request.url ?? '/', 'http://localhost').pathname;
	if (!OWNED_PATHS.some((prefix) => path.startsWith(prefix))) return;
	socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
}

/** Idempotent: dev may load this module through more than one module graph. */
export function attachRealtime(server: HttpServer): RealtimeStatus {
	const existing = globals[STATE];
	if (existing?.server === server) return existing.status;
	server.on('upgrade', onUpgrade);
	const status: RealtimeStatus = { mounted: true, mountedAt: new Date().toISOString(), paths: [...OWNED_PATHS] };
	globals[STATE] = { status, server };
	return status;
}

export function realtimeStatus(): RealtimeStatus {
	return globals[STATE]?.status ?? { mounted: false, mountedAt: null, paths: [] };
}

/** The HTTP server that server.js (production) or the Vite plugin (dev) registered, if any. */
export function registeredHttpServer(): HttpServer | undefined {
	return (globalThis as Record<symbol, HttpServer | undefined>)[Symbol.for('codetunestudio.httpServer')];
}
