// Real y-websocket clients in Node for tests of the draft sockets: WebsocketProvider with a
// WebSocket that sends the session cookie on the upgrade request, as a browser would.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';
import { configureDrafts } from '$lib/server/drafts';
import { YjsServer, type YjsServerOptions } from '$realtime/index';

// Each WebsocketProvider adds a process 'exit' listener; tests open dozens at once.
process.setMaxListeners(200);

/** A WebSocket class for WebsocketProvider's `WebSocketPolyfill` that sends `cookie`. */
export function cookieWebSocket(cookie: string | null): typeof globalThis.WebSocket {
	class CookieWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, cookie ? { headers: { cookie } } : {});
		}
	}
	return CookieWebSocket as unknown as typeof globalThis.WebSocket;
}

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** Close codes and reasons the server sent, in order. */
	closes: Array<{ code: number; reason: string }>;
	text(root?: string): string;
	/** Appends to a Y.Text root (the user template by default). */
	type(value: string, root?: string): void;
	synced(timeoutMs?: number): Promise<void>;
	/** Resolves with the first close the server sends. */
	closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
	destroy(): void;
}

export function connectClient(serverUrl: string, promptId: string, cookie: string | null, options: { connect?: boolean } = {}): TestClient {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(serverUrl, promptId, doc, {
		WebSocketPolyfill: cookieWebSocket(cookie),
		disableBc: true, // Node 24 has BroadcastChannel: clients in one process would bypass the server
		maxBackoffTime: 200,
		connect: options.connect ?? true
	});
	const closes: Array<{ code: number; reason: string }> = [];
	provider.on('connection-close', (event) => {
		if (event) closes.push({ code: event.code, reason: event.reason });
	});
	const client: TestClient = {
		doc,
		provider,
		closes,
		text: (root = 'template') => doc.getText(root).toString(),
		type(value, root = 'template') {
			const text = doc.getText(root);
			text.insert(text.length, value);
		},
		synced: (timeoutMs = 10_000) =>
			new Promise((resolve, reject) => {
				if (provider.synced) return resolve();
				const timer = setTimeout(() => reject(new Error(`not synced within ${timeoutMs} ms; closes: ${JSON.stringify(closes)}`)), timeoutMs);
				provider.once('sync', () => {
					clearTimeout(timer);
					resolve();
				});
			}),
		closed: (timeoutMs = 10_000) =>
			new Promise((resolve, reject) => {
				if (closes.length) return resolve(closes[0]!);
				const timer = setTimeout(() => reject(new Error(`the server did not close the socket within ${timeoutMs} ms`)), timeoutMs);
				provider.on('connection-close', function once(event) {
					if (!event) return;
					clearTimeout(timer);
					provider.off('connection-close', once);
					resolve({ code: event.code, reason: event.reason });
				});
			}),
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
	return client;
}

/** Polls until `check` holds, for convergence assertions (fails with the last value seen). */
export async function eventually<T>(read: () => T, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let value = read();
	while (!check(value)) {
		if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
		value = read();
	}
	return value;
}

export interface TestYjsServer {
	/** The `serverUrl` for WebsocketProvider: ws://127.0.0.1:<port>/yjs */
	url: string;
	port: number;
	yjs: YjsServer;
	http: Server;
	close(): Promise<void>;
}

/** The Yjs sync server mounted on a plain HTTP server in the test process, on a free port. */
export async function startYjsServer(options: YjsServerOptions = {}): Promise<TestYjsServer> {
	const yjs = new YjsServer(options);
	const http = createServer((_request, response) => response.writeHead(404).end());
	http.on('upgrade', (request, socket, head) => yjs.handleUpgrade(request, socket, head));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	return {
		url: `ws://127.0.0.1:${port}${YJS_PATH_PREFIX.slice(0, -1)}`,
		port,
		yjs,
		http,
		async close() {
			await yjs.close();
			http.closeAllConnections();
			await new Promise((resolve) => http.close(resolve));
		}
	};
}

/** A raw socket to a draft, for messages no well-behaved client sends. */
export function rawSocket(server: TestYjsServer, promptId: string, cookie: string | null): WebSocket {
	return new WebSocket(`${server.url}/${promptId}`, cookie ? { headers: { cookie } } : {});
}

/** The first close of a raw socket. */
export function rawClosed(socket: WebSocket): Promise<{ code: number; reason: string }> {
	return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/**
 * The fixture of a socket suite: one Yjs server for the file, clients destroyed after each test,
 * and draft settings put back. `server()` is valid inside tests.
 */
export function useYjsServer(options: YjsServerOptions = {}) {
	let server: TestYjsServer | undefined;
	let clients: TestClient[] = [];
	const defaults = configureDrafts({});
	beforeAll(async () => {
		server = await startYjsServer(options);
	});
	afterAll(async () => {
		await server?.close();
	});
	afterEach(() => {
		for (const created of clients) created.destroy();
		clients = [];
		configureDrafts(defaults);
	});
	return {
		server: () => server!,
		client(promptId: string, cookie: string | null): TestClient {
			const created = connectClient(server!.url, promptId, cookie);
			clients.push(created);
			return created;
		}
	};
}
