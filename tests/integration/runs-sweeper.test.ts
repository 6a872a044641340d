// No run stays `running` forever: an instance marks its runs alive every RUN_HEARTBEAT_MS, and
// every instance ends runs nobody has marked alive for RUN_STALE_AFTER_MS (their instance died),
// telling the session's room. A run that is really going on is never swept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { joinedClient, newSessionTeam, okData, request, runRequest, type HubClientSocket } from '../helpers/hub-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { eventually } from '../helpers/yjs-client';

let app: AppServer;
let tgi: TgiServer;
const sockets: HubClientSocket[] = [];

beforeAll(async () => {
	if (!hasPostgres()) return;
	tgi = await startTgiServer();
	app = await startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, LOG_LEVEL: 'warn', RUN_HEARTBEAT_MS: '200', RUN_STALE_AFTER_MS: '1000' });
}, 120_000);

afterAll(async () => {
	for (const socket of sockets) socket.disconnect();
	await app?.stop();
	await tgi?.close();
});

function client(cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
	sockets.push(socket);
	return socket;
}

describe.runIf(hasPostgres())('the run sweeper', () => {
	it('ends a run whose instance stopped marking it alive, and tells the session; a live run is left alone', async () => {
		const team = await newSessionTeam();
		const { seen } = await joinedClient(client(team.editor.cookie), team.sessionId);
		const db = await prisma();
		// A row as a SIGKILLed instance leaves it: running, its heartbeat long stopped.
		const orphan = await db.executionHistory.create({
			data: {
				workspaceId: team.workspaceId,
				promptId: team.promptId,
				sessionId: team.sessionId,
				userId: team.editor.user.id,
				renderedPrompt: 'left running',
				modelUsed: 'whiterabbitneo',
				heartbeatAt: new Date(Date.now() - 60_000)
			}
		});
		// A run that really streams for ~3 s, three times the stale window: its heartbeat keeps it.
		const tokens = Array.from({ length: 30 }, (_, i) => `t${i} `);
		tgi.script({ tokens, delayMs: 100 });
		const { runs } = okData(await request(seen.socket, 'run:start', { ...runRequest(team), cacheMode: 'never' }));
		const live = runs[0]!.executionId;

		const swept = await eventually(() => seen.finished.get(orphan.id), (run) => run !== undefined, 10_000);
		expect(swept!.status).toBe('failed');
		const row = await db.executionHistory.findUniqueOrThrow({ where: { id: orphan.id } });
		expect(row.status).toBe('failed');
		expect(row.errorMessage).toMatch(/instance running this stopped/);

		// Still going after three stale windows, its heartbeat moving on.
		const heartbeat = async () => (await db.executionHistory.findUniqueOrThrow({ where: { id: live } })).heartbeatAt.getTime();
		const first = await heartbeat();
		await eventually(() => seen.tokens.get(live)?.length ?? 0, (n) => n >= 25, 20_000);
		expect(await heartbeat()).toBeGreaterThan(first);

		const finished = await eventually(() => seen.finished.get(live), (run) => run !== undefined, 20_000);
		expect(finished!.status).toBe('succeeded');
		expect((await db.executionHistory.findUniqueOrThrow({ where: { id: live } })).status).toBe('succeeded');
	}, 60_000);

	it('ends an evaluation whose instance stopped marking it alive', async () => {
		const team = await newSessionTeam();
		const db = await prisma();
		const orphan = await db.evaluationRun.create({
			data: {
				workspaceId: team.workspaceId,
				promptId: team.promptId,
				benchmark: 'humaneval',
				modelId: 'whiterabbitneo',
				status: 'running',
				startedAt: new Date(),
				heartbeatAt: new Date(Date.now() - 60_000)
			}
		});
		const deadline = Date.now() + 10_000;
		let row = await db.evaluationRun.findUniqueOrThrow({ where: { id: orphan.id } });
		while (row.status === 'running' && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			row = await db.evaluationRun.findUniqueOrThrow({ where: { id: orphan.id } });
		}
		expect(row.status).toBe('failed');
		expect(row.error).toMatch(/instance running this evaluation stopped/);
	}, 30_000);
});
