// Real socket.io clients in Node for tests of the generation hub: the hub mounted (as attachRealtime
// mounts it) on an HTTP server of the test process, a TGI-protocol server in place of the Space,
// and a team with a committed version and an open session.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { writeDraft, type DraftContent } from '$lib/prompt-doc';
import {
	SESSION_SOCKET_PATH,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SessionError,
	type TokenEvent,
	type RunView,
	type ClientPayload,
	type SessionSnapshot
} from '$lib/realtime/session-events';
import { updateDraft } from '$lib/server/drafts';
import { closeGeneration, configureGeneration, openSession, type GenerationSettings } from '$lib/server/generation';
import { commitDraft } from '$lib/server/versions';
import { GenerationHub } from '$realtime/hub/server';
import { prisma } from './db';
import { startTgiServer, type TgiServer } from './tgi-server';
import { uniqueSlug } from './unique';
import { newPromptTeam, type PromptTeam } from './yjs-team';

export type HubClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestHub {
	url: string;
	hub: GenerationHub;
	http: Server;
	tgi: TgiServer;
	close(): Promise<void>;
}

/** Settings that make waits short: a sleeping model is retried after 50 ms, idle runs time out in 2 s. */
export function testSettings(tgiUrl: string, over: Partial<GenerationSettings> = {}): Partial<GenerationSettings> {
	return {
		endpoints: { WHITERABBITNEO_ENDPOINT_URL: tgiUrl, CODET5P_ENDPOINT_URL: tgiUrl, HF_TOKEN: undefined },
		idleTimeoutMs: 2000,
		wakeInitialDelayMs: 50,
		wakeMaxDelayMs: 200,
		wakeMaxAttempts: 4,
		runsPerMinutePerUser: 1000,
		...over
	};
}

export async function startTestHub(options: ConstructorParameters<typeof GenerationHub>[1] = {}): Promise<TestHub> {
	const tgi = await startTgiServer();
	configureGeneration(testSettings(tgi.url));
	const http = createServer((_request, response) => response.writeHead(404).end());
	const hub = new GenerationHub(http, options);
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		hub,
		http,
		tgi,
		async close() {
			await hub.close();
			await closeGeneration();
			http.closeAllConnections();
			await new Promise((resolve) => http.close(resolve));
			await tgi.close();
		}
	};
}

/** One hub for the file; every client a test opened is closed after it. */
export function useTestHub() {
	let hub: TestHub | undefined;
	const open: HubClientSocket[] = [];
	beforeAll(async () => {
		hub = await startTestHub();
	});
	afterEach(async () => {
		for (const socket of open.splice(0)) socket.disconnect();
		// Runs a test left going end before the next test scripts the model server anew.
		await closeGeneration();
		configureGeneration(testSettings(hub!.tgi.url));
		hub!.tgi.script({});
	});
	afterAll(async () => {
		await hub?.close();
	});
	return {
		hub: () => hub!,
		tgi: () => hub!.tgi,
		/** A socket.io client with the person's cookie (null: signed out), connected or refused. */
		client(cookie: string | null, extraHeaders: Record<string, string> = {}): HubClientSocket {
			const socket: HubClientSocket = io(hub!.url, {
				path: SESSION_SOCKET_PATH,
				transports: ['websocket'],
				reconnection: false,
				forceNew: true,
				extraHeaders: { ...(cookie ? { cookie } : {}), ...extraHeaders }
			});
			open.push(socket);
			return socket;
		}
	};
}

/** Resolves once connected; rejects with the server's refusal (connect_error). */
export function connected(socket: HubClientSocket, timeoutMs = 5000): Promise<void> {
	return new Promise((resolve, reject) => {
		if (socket.connected) return resolve();
		const timer = setTimeout(() => reject(new Error('not connected in time')), timeoutMs);
		socket.once('connect', () => {
			clearTimeout(timer);
			resolve();
		});
		socket.once('connect_error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

/** Emits a client event and waits for its acknowledgement. */
export function request<E extends keyof ClientToServerEvents>(
	socket: HubClientSocket,
	event: E,
	payload: Parameters<ClientToServerEvents[E]>[0],
	timeoutMs = 10_000
): Promise<NonNullable<Parameters<ClientToServerEvents[E]>[1]> extends (result: infer R) => void ? R : never> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no acknowledgement of ${event} within ${timeoutMs} ms`)), timeoutMs);
		const emit = socket.emit as unknown as (event: string, payload: unknown, ack: (result: unknown) => void) => void;
		emit.call(socket, event, payload, (result: unknown) => {
			clearTimeout(timer);
			resolve(result as never);
		});
	});
}

/** The data of a successful acknowledgement, or a thrown error naming the refusal. */
export function okData<T>(result: Ack<T>): T {
	if (!result.ok) throw new Error(`refused: ${result.error.code}: ${result.error.message}`);
	return result.data;
}

/** What a client saw in a session: every event, and the text of each run built from its tokens. */
export class SessionWatcher {
	readonly tokens = new Map<string, TokenEvent[]>();
	readonly finished = new Map<string, RunView>();
	readonly started: RunView[] = [];
	readonly errors: SessionError[] = [];
	readonly waiting: string[] = [];

	constructor(readonly socket: HubClientSocket) {
		socket.on('run:tokens', (event) => {
			const list = this.tokens.get(event.executionId) ?? [];
			list.push(event);
			this.tokens.set(event.executionId, list);
		});
		socket.on('run:finished', ({ run }) => this.finished.set(run.executionId, run));
		socket.on('run:started', ({ run }) => this.started.push(run));
		socket.on('run:waiting', (event) => this.waiting.push(event.message));
		socket.on('session:error', (error) => this.errors.push(error));
	}

	textOf(executionId: string): string {
		return (this.tokens.get(executionId) ?? []).map((t) => t.text).join('');
	}

	seqsOf(executionId: string): number[] {
		return (this.tokens.get(executionId) ?? []).map((t) => t.seq);
	}

	/** Resolves with the final view of the run once run:finished arrives. */
	async finishedRun(executionId: string, timeoutMs = 15_000): Promise<RunView> {
		const deadline = Date.now() + timeoutMs;
		while (!this.finished.has(executionId)) {
			if (Date.now() > deadline) throw new Error(`run ${executionId} did not finish within ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		return this.finished.get(executionId)!;
	}
}

export const SESSION_CONTENT: DraftContent = {
	systemPrompt: 'You are a senior code reviewer.',
	userPromptTemplate: 'Generate {{language}} code: {{task}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 256 }
};

export interface SessionTeam extends PromptTeam {
	sessionId: string;
}

/** A prompt team whose draft holds `content`, committed as version 1, and an open session on it. */
export async function newSessionTeam(content: DraftContent = SESSION_CONTENT, options: Parameters<typeof newPromptTeam>[0] = {}): Promise<SessionTeam> {
	const team = await newPromptTeam(options);
	await updateDraft(team.promptId, (doc) => writeDraft(doc, content));
	await commitDraft(team.owner.member, team.promptSlug, 'First version');
	const { id } = await openSession(team.owner.member, team.promptSlug, 'Review call');
	return { ...team, sessionId: id };
}

// ---- for the session test files (access, events, runs, cache) ---------------------------------

/**
 * A start of version 1 on WhiteRabbitNeo with a task of its own: no other test's stored answer or
 * shared flight can match it, even one of the same workspace.
 */
export function runRequest(team: Pick<SessionTeam, 'sessionId'>, over: Partial<ClientPayload<'run:start'>> = {}): ClientPayload<'run:start'> {
	return {
		sessionId: team.sessionId,
		source: { kind: 'version', versionNumber: 1 },
		variables: { language: 'Python', task: uniqueSlug('task') },
		models: ['whiterabbitneo'],
		...over
	};
}

/** Connects, starts watching, then joins: the watcher has seen every event since the join. */
export async function joinedClient(socket: HubClientSocket, sessionId: string): Promise<{ socket: HubClientSocket; seen: SessionWatcher; snapshot: SessionSnapshot }> {
	await connected(socket);
	const seen = new SessionWatcher(socket);
	const snapshot = okData(await request(socket, 'session:join', { sessionId }));
	return { socket, seen, snapshot };
}

/** The session's execution_history rows as stored, oldest first. */
export async function sessionRows(sessionId: string) {
	const db = await prisma();
	return db.executionHistory.findMany({ where: { sessionId }, orderBy: [{ executedAt: 'asc' }, { id: 'asc' }] });
}

/** One run's execution_history row. */
export async function runRow(executionId: string) {
	const db = await prisma();
	return db.executionHistory.findUniqueOrThrow({ where: { id: executionId } });
}

/** A run's token log (execution_chunks) as stored, in order. */
export async function loggedTokens(executionId: string): Promise<{ seq: number; text: string }[]> {
	const db = await prisma();
	return db.executionChunk.findMany({ where: { executionId }, orderBy: { seq: 'asc' }, select: { seq: true, text: true } });
}
