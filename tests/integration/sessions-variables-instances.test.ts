// A session's shared variable values across two studio instances behind one Redis and one
// PostgreSQL, as behind a load balancer: what an editor on one instance types reaches participants
// on the other (through the socket.io Redis adapter, as runs do), and a late joiner on the other
// instance finds the values in its snapshot (kept in Redis, which every instance reads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SESSION_SOCKET_PATH, type VariablesChangedEvent } from '$lib/realtime/session-events';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres } from '../helpers/db';
import { joinedClient, newSessionTeam, okData, request, type HubClientSocket } from '../helpers/hub-client';
import { eventually } from '../helpers/yjs-client';

const twoInstances = hasPostgres() && !!process.env.REDIS_URL;
let apps: AppServer[] = [];
const sockets: HubClientSocket[] = [];

beforeAll(async () => {
	if (!twoInstances) return;
	apps = await Promise.all([startAppServer({ LOG_LEVEL: 'warn' }), startAppServer({ LOG_LEVEL: 'warn' })]);
}, 120_000);

afterAll(async () => {
	for (const socket of sockets) socket.disconnect();
	await Promise.all(apps.map((app) => app.stop()));
});

function client(app: AppServer, cookie: string): HubClientSocket {
	const socket: HubClientSocket = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
	sockets.push(socket);
	return socket;
}

describe.runIf(twoInstances)('shared variable values across two instances', () => {
	it('a change on one instance reaches the other; a late joiner there catches up; an answer from there comes back newer', async () => {
		const team = await newSessionTeam();
		const [a, b] = apps as [AppServer, AppServer];
		const editor = await joinedClient(client(a, team.editor.cookie), team.sessionId);
		const viewer = await joinedClient(client(b, team.viewer.cookie), team.sessionId);
		const viewerSees: VariablesChangedEvent[] = [];
		viewer.socket.on('variables:changed', (event) => viewerSees.push(event));
		const editorSees: VariablesChangedEvent[] = [];
		editor.socket.on('variables:changed', (event) => editorSees.push(event));

		const code = 'for i in range(3):\n    print(i)\n';
		const { revision } = okData(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: { code, language: 'Python' } }));
		await eventually(() => viewerSees.length, (n) => n === 1);
		expect(viewerSees[0]).toEqual({ sessionId: team.sessionId, values: { code, language: 'Python' }, revision, by: team.editor.user.username });

		const late = await joinedClient(client(b, team.owner.cookie), team.sessionId);
		expect(late.snapshot.variables).toEqual({ values: { code, language: 'Python' }, revision });

		const answer = okData(await request(late.socket, 'variables:set', { sessionId: team.sessionId, values: { language: 'Go' } }));
		expect(answer.revision).toBeGreaterThan(revision);
		await eventually(() => editorSees.length, (n) => n === 1);
		expect(editorSees[0]).toMatchObject({ values: { language: 'Go' }, revision: answer.revision, by: team.owner.user.username });

		// A viewer on either instance is refused the same way.
		expect(await request(viewer.socket, 'variables:set', { sessionId: team.sessionId, values: { language: 'COBOL' } })).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		const again = await joinedClient(client(a, team.viewer.cookie), team.sessionId);
		expect(again.snapshot.variables?.values).toEqual({ code, language: 'Go' });
	}, 60_000);
});
