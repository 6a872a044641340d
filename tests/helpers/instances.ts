// Several studio processes behind one balancer, for tests of faults across instances, and the
// y-websocket clients that reach them through it: each client knows which instance it is on now.
import * as Y from 'yjs';
import { readDraft } from '$lib/prompt-doc';
import { prismaDraftStore } from '$lib/server/drafts';
import { startAppServer, type AppServer } from './app-server';
import { startBalancer, type Balancer } from './balancer';
import { connectClient, type TestClient } from './yjs-client';

export interface Instances {
	apps: AppServer[];
	balancer: Balancer;
	stop(): Promise<void>;
}

/** `count` studio processes on the run's PostgreSQL and Redis (or `env`'s), and a balancer before them. */
export async function startInstances(count: number, env: Record<string, string> = {}): Promise<Instances> {
	const started = await Promise.allSettled(Array.from({ length: count }, () => startAppServer({ LOG_LEVEL: 'warn', ...env })));
	const apps = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
	const failed = started.find((result) => result.status === 'rejected');
	if (failed) {
		// None left running: a stray instance would serve (and sweep runs) for the tests after.
		await Promise.all(apps.map((app) => app.stop()));
		throw failed.reason;
	}
	const balancer = await startBalancer(apps);
	return {
		apps,
		balancer,
		async stop() {
			await balancer.close();
			await Promise.all(apps.map((app) => app.stop()));
		}
	};
}

export interface BalancedClient extends TestClient {
	/** Index of the instance this client's socket is on now; undefined while it is not connected. */
	instance(): number | undefined;
	name: string;
}

/**
 * A y-websocket client through the balancer. The balancer knows a connection by the client's local
 * port, which the socket's upgrade response tells us on every (re)connection.
 */
export function balancedClient(balancer: Balancer, promptId: string, cookie: string, name: string): BalancedClient {
	const client = connectClient(balancer.yjsUrl, promptId, cookie, { connect: false });
	let localPort: number | undefined;
	client.provider.on('status', ({ status }) => {
		if (status !== 'connecting' || !client.provider.ws) return;
		localPort = undefined;
		const socket = client.provider.ws as unknown as import('ws').WebSocket;
		socket.once('upgrade', (response) => (localPort = response.socket.localPort));
	});
	client.provider.connect();
	return {
		...client,
		name,
		instance: () => (localPort !== undefined && client.provider.wsconnected ? balancer.backendOf(localPort) : undefined)
	};
}

/** The template of a prompt's draft as PostgreSQL holds it (snapshot, then the log), no instance asked. */
export async function storedTemplate(promptId: string): Promise<string> {
	const stored = await prismaDraftStore.load(promptId);
	if (!stored) return '';
	const doc = new Y.Doc();
	Y.applyUpdate(doc, stored.snapshot);
	for (const row of stored.updates) Y.applyUpdate(doc, row.update);
	const template = readDraft(doc).userPromptTemplate;
	doc.destroy();
	return template;
}
