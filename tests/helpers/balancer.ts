// A tiny TCP load balancer in front of several studio processes, for tests of many instances: one
// URL, each new connection handed round-robin to the next backend that accepts it (a dead one is
// skipped), so a client whose instance died reconnects through the same URL to another instance, as
// behind a real load balancer. It forwards bytes only (HTTP, WebSocket upgrades alike), so clients
// need no sticky sessions as long as they speak WebSocket only (socket.io: transports ['websocket']).
import { connect, createServer, type Server, type Socket } from 'node:net';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';

export interface Backend {
	/** The backend's own base URL (http://127.0.0.1:<port>), as AppServer.url. */
	url: string;
}

export interface Balancer {
	/** http://127.0.0.1:<port> of the balancer: for fetch and socket.io clients. */
	url: string;
	/** The y-websocket `serverUrl` through the balancer. */
	yjsUrl: string;
	port: number;
	/**
	 * Which backend (its index in the list given) serves the connection the client opened from
	 * local port `clientPort`; undefined once that connection is gone.
	 */
	backendOf(clientPort: number): number | undefined;
	/** The next connection goes to this backend first (then round-robin on from it). */
	preferNext(index: number): void;
	/** Open connections per backend index. */
	openConnections(): number[];
	close(): Promise<void>;
}

function portOf(url: string): number {
	return Number(new URL(url).port);
}

/** Connects to 127.0.0.1:`port`; resolves with the socket, or null when nothing accepts there. */
function dial(port: number): Promise<Socket | null> {
	return new Promise((resolve) => {
		const upstream = connect({ host: '127.0.0.1', port });
		upstream.once('connect', () => {
			upstream.off('error', refused);
			resolve(upstream);
		});
		function refused() {
			upstream.destroy();
			resolve(null);
		}
		upstream.once('error', refused);
	});
}

export async function startBalancer(backends: Backend[]): Promise<Balancer> {
	const ports = backends.map((backend) => portOf(backend.url));
	const routes = new Map<number, number>();
	const open = new Set<Socket>();
	let next = 0;

	/** Tries every backend once, from the round-robin position on; null when none accepts. */
	async function pick(): Promise<{ upstream: Socket; index: number } | null> {
		const start = next;
		next = (next + 1) % ports.length;
		for (let step = 0; step < ports.length; step++) {
			const index = (start + step) % ports.length;
			const upstream = await dial(ports[index]!);
			if (upstream) return { upstream, index };
		}
		return null;
	}

	const server: Server = createServer({ pauseOnConnect: true }, (client) => {
		open.add(client);
		const clientPort = client.remotePort!;
		client.on('error', () => client.destroy());
		client.once('close', () => {
			open.delete(client);
			routes.delete(clientPort);
		});
		pick().then((picked) => {
			if (!picked || client.destroyed) {
				picked?.upstream.destroy();
				client.destroy();
				return;
			}
			const { upstream, index } = picked;
			open.add(upstream);
			routes.set(clientPort, index);
			upstream.on('error', () => upstream.destroy());
			// Either side gone (a killed instance's sockets are reset by the kernel): the other goes too,
			// so the client sees its connection drop as it would behind a real balancer.
			upstream.once('close', () => {
				open.delete(upstream);
				client.destroy();
			});
			client.once('close', () => upstream.destroy());
			client.pipe(upstream);
			upstream.pipe(client);
			client.resume();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		yjsUrl: `ws://127.0.0.1:${port}${YJS_PATH_PREFIX.slice(0, -1)}`,
		port,
		backendOf: (clientPort) => routes.get(clientPort),
		preferNext(index) {
			next = index % ports.length;
		},
		openConnections() {
			const counts = ports.map(() => 0);
			for (const index of routes.values()) counts[index]!++;
			return counts;
		},
		async close() {
			for (const socket of open) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}
