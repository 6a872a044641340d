// A TCP proxy in front of a service (PostgreSQL, Redis) for tests of its loss: cut() destroys every
// open connection and refuses new ones (accepted, then destroyed at once, as a peer that resets)
// until restore(). Bytes pass through untouched.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
	/** The port the proxy listens on, on 127.0.0.1. */
	port: number;
	/** Destroys every open connection; new ones are refused until restore(). */
	cut(): void;
	restore(): void;
	/** Connections currently passing through. */
	open(): number;
	close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
	let cut = false;
	const pairs = new Set<[Socket, Socket]>();

	const server: Server = createServer((client) => {
		if (cut) return client.destroy();
		const upstream = createConnection(target);
		const pair: [Socket, Socket] = [client, upstream];
		pairs.add(pair);
		const drop = () => {
			pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on('error', drop).on('close', drop);
		upstream.on('error', drop).on('close', drop);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const cutAll = () => {
		cut = true;
		for (const [client, upstream] of pairs) {
			client.destroy();
			upstream.destroy();
		}
		pairs.clear();
	};
	return {
		port: (server.address() as AddressInfo).port,
		cut: cutAll,
		restore() {
			cut = false;
		},
		open: () => pairs.size,
		close() {
			cutAll();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy): string {
	const proxied = new URL(url);
	proxied.hostname = '127.0.0.1';
	proxied.port = String(proxy.port);
	return proxied.toString();
}
