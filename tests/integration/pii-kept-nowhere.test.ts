// With the PII redactor on, what it redacts is kept nowhere: a studio (the production build, logging
// at debug level, on the run's PostgreSQL and Redis) runs a prompt whose variables hold an email
// address and a phone number, in a live session (both models) and through the prompt API (a miss,
// then the same request answered from the cache). Then every row of every table, the studio's log,
// everything published on Redis meanwhile (what other instances are told), every session event the
// participant received, what the model server was sent and the run pages are read: the placeholders
// are there, the clear values nowhere.
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createApiToken } from '$lib/server/api-tokens';
import { openSession } from '$lib/server/generation';
import { savePluginSetting } from '$lib/server/plugins';
import { createPrompt } from '$lib/server/prompts';
import { commitDraft } from '$lib/server/versions';
import { createWorkspace, type Member } from '$lib/server/workspaces';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { signUpOverHttp, visibleText, type FormClient } from '../helpers/form-client';
import { connected, okData, request, SessionWatcher, type HubClientSocket } from '../helpers/hub-client';
import { memberOf } from '../helpers/people';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { uniquePromptName, uniqueSlug, uniqueWorkspaceName } from '../helpers/unique';
import { sample, setDraft } from './versions-fixtures';

const email = `${uniqueSlug('bob')}@example.com`;
const phone = `415-${randomInt(200, 999)}-${String(randomInt(0, 10_000)).padStart(4, '0')}`;
const CLEAR = [email, phone];
const variables = { contact: email, phone: `+1 ${phone}`, task: 'confirm the delivery date' };

let app: AppServer;
let tgi: TgiServer;
let owner: { client: FormClient; member: Member };
let workspaceSlug: string;
let promptSlug: string;
let apiToken: string;
let redis: Redis | null = null;
const published: string[] = [];

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['```python\n', 'send_mail(to, body)\n', '```\n'] });
	app = await startAppServer({ LOG_LEVEL: 'debug', WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off' });
	const signedUp = await signUpOverHttp(app.url, 'pii');
	({ slug: workspaceSlug } = await createWorkspace(signedUp.id, uniqueWorkspaceName('Private')));
	owner = { client: signedUp.client, member: await memberOf({ id: signedUp.id, username: signedUp.username, displayName: null, isSiteAdmin: false }, workspaceSlug) };
	({ slug: promptSlug } = await createPrompt(owner.member, promptMetaSchema.parse({ name: uniquePromptName('Follow-up') })));
	const { id: promptId } = await (await prisma()).prompt.findFirstOrThrow({ where: { slug: promptSlug, workspace: { slug: workspaceSlug } }, select: { id: true } });
	await setDraft(promptId, sample({ userPromptTemplate: 'Write to {{contact}} (phone {{phone}}) to {{task}}.', parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
	await commitDraft(owner.member, promptSlug, 'v1');
	for (const plugin of ['pii-redactor', 'token-cost', 'code-block-extractor', 'security-scanner']) await savePluginSetting(owner.member, plugin, true, '{}');
	apiToken = (await createApiToken(owner.member, { name: 'runner', scopes: ['run'], expiresInDays: 0 })).token;
	// Everything any instance publishes while the runs go: what another instance would be told.
	if (process.env.REDIS_URL) {
		redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
		await redis.connect();
		redis.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => published.push(message.toString('latin1')));
		redis.on('smessageBuffer', (_channel: Buffer, message: Buffer) => published.push(message.toString('latin1')));
		await redis.psubscribe('*');
	}
}, 120_000);

afterAll(async () => {
	await redis?.quit();
	await app?.stop();
	await tgi?.close();
});

const apiRun = async () => {
	const response = await fetch(`${app.url}/api/v1/prompts/${promptSlug}/run`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ variables, stream: false })
	});
	expect(response.status).toBe(200);
	return (await response.json()) as { executionId: string; cacheOutcome: string };
};

/** Tables holding a row whose text contains `value`, with how many. */
async function tablesHolding(value: string): Promise<Record<string, number>> {
	const db = await prisma();
	const tables = await db.$queryRaw<{ name: string }[]>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
	const found: Record<string, number> = {};
	for (const { name } of tables) {
		const [row] = await db.$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) AS count FROM "${name.replace(/"/g, '""')}" AS t WHERE strpos(t::text, $1) > 0`, value);
		if (row && row.count > 0n) found[name] = Number(row.count);
	}
	return found;
}

describe.runIf(hasPostgres())('the PII redactor', () => {
	it('keeps the values it redacts nowhere: no table, log, relayed event, session event, model request or run page', async () => {
		// A live session, both models side by side, watched by the person who runs it.
		const { id: sessionId } = await openSession(owner.member, promptSlug, 'Follow-ups');
		// A session's events reach other instances on sharded channels, one per room (socket.io's sharded adapter).
		const sessionChannel = `${process.env.REDIS_PREFIX}:socket.io#/#session:${sessionId}#`;
		if (redis) await redis.ssubscribe(sessionChannel, `${process.env.REDIS_PREFIX}:socket.io#/#`);
		const socket: HubClientSocket = io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: owner.client.sessionCookie } });
		const received: string[] = [];
		socket.onAny((event, payload) => received.push(JSON.stringify([event, payload])));
		try {
			await connected(socket);
			const seen = new SessionWatcher(socket);
			okData(await request(socket, 'session:join', { sessionId }));
			const started = okData(
				await request(socket, 'run:start', { sessionId, source: { kind: 'version', versionNumber: 1 }, variables, models: ['whiterabbitneo', 'codet5p'], cacheMode: 'never' })
			);
			const sessionRuns = await Promise.all(started.runs.map((run) => seen.finishedRun(run.executionId)));
			expect(sessionRuns.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);

			// The prompt API, twice: the second answered from the cache (its key holds the placeholders only).
			const first = await apiRun();
			const second = await apiRun();
			expect([first.cacheOutcome, second.cacheOutcome]).toEqual(['miss', 'hit']);
			const ids = [...sessionRuns.map((run) => run.executionId), first.executionId, second.executionId];

			// What the runs recorded: the placeholders, for each run.
			const rows = await (await prisma()).executionHistory.findMany({ where: { id: { in: ids } }, select: { inputData: true, renderedPrompt: true, pluginResults: true } });
			expect(rows).toHaveLength(4);
			for (const row of rows) {
				expect(row.inputData).toEqual({ contact: '[EMAIL_1]', phone: '[PHONE_1]', task: 'confirm the delivery date' });
				expect(row.renderedPrompt).toContain('Write to [EMAIL_1] (phone [PHONE_1]) to confirm the delivery date.');
			}

			// The run pages show the placeholders, in the prompt and in the variables alike.
			for (const id of ids) {
				const page = await owner.client.get(`/w/${workspaceSlug}/runs/${id}`);
				expect(page.status).toBe(200);
				expect(visibleText(page.html)).toContain('[EMAIL_1]');
				for (const value of CLEAR) expect(page.html).not.toContain(value);
			}
			const list = await owner.client.get(`/w/${workspaceSlug}/runs`);
			for (const value of CLEAR) expect(list.html).not.toContain(value);
		} finally {
			socket.disconnect();
		}

		// Nowhere else either: sent to the models, told to other instances or participants, logged, stored.
		expect(tgi.requests.length).toBeGreaterThanOrEqual(3);
		const sent = JSON.stringify(tgi.requests.map((r) => r.body));
		expect(sent).toContain('[EMAIL_1]');
		if (redis) expect(published.length).toBeGreaterThan(0);
		const stopped = app.stop();
		await stopped;
		for (const value of CLEAR) {
			expect(sent).not.toContain(value);
			expect(received.join('\n')).not.toContain(value);
			expect(published.join('\n')).not.toContain(value);
			expect(app.output()).not.toContain(value);
			expect(await tablesHolding(value)).toEqual({});
		}
		// What the participant was told instead: that values were replaced, not which.
		expect(received.join('\n')).toContain('1 email address replaced by a placeholder');
	});
});
