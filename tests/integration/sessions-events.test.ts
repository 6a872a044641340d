// What the hub answers to events it cannot take: a malformed payload, an unknown event, too many
// events, too many run starts, a prompt that cannot be rendered, a model with no endpoint. Each gets
// a clear error, nothing is written, no model is called, and the socket stays usable.
import { describe, expect, it, vi } from 'vitest';
import { SESSION_LIMITS, type SessionError } from '$lib/realtime/session-events';
import { configureGeneration } from '$lib/server/generation';
import { redis } from '$lib/server/redis';
import {
	connected,
	joinedClient,
	newSessionTeam,
	okData,
	request,
	runRequest,
	SessionWatcher,
	sessionRows,
	testSettings,
	useTestHub,
	type HubClientSocket
} from '../helpers/hub-client';

const hub = useTestHub();

type Emit = (event: string, ...args: unknown[]) => void;
/** Sends anything at all, as a hostile or buggy client could. */
const raw = (socket: HubClientSocket): Emit => (socket.emit as unknown as Emit).bind(socket);

const someSession = '0196a3f0-0000-7000-8000-000000000000';
const goodStart = { sessionId: someSession, source: { kind: 'version', versionNumber: 1 }, models: ['whiterabbitneo'] };
const manyVariables = Object.fromEntries(Array.from({ length: SESSION_LIMITS.variables + 1 }, (_, i) => [`v${i}`, 'x']));

const malformed: { name: string; event: string; payload: unknown; message: RegExp }[] = [
	{ name: 'a payload that is not an object', event: 'session:join', payload: 'let me in', message: /expected object/i },
	{ name: 'a session id of the wrong type', event: 'session:join', payload: { sessionId: 42 }, message: /^sessionId: / },
	{ name: 'a session id that is not a uuid', event: 'session:join', payload: { sessionId: 'abc' }, message: /^sessionId: / },
	{ name: 'an unknown model', event: 'run:start', payload: { ...goodStart, models: ['gpt-4'] }, message: /^models\.0: / },
	{ name: 'three models', event: 'run:start', payload: { ...goodStart, models: ['whiterabbitneo', 'codet5p', 'codet5p'] }, message: /^models: / },
	{ name: 'the same model twice', event: 'run:start', payload: { ...goodStart, models: ['codet5p', 'codet5p'] }, message: /^models: Each model once\.$/ },
	{ name: 'no model at all', event: 'run:start', payload: { ...goodStart, models: [] }, message: /^models: Pick at least one model\.$/ },
	{ name: 'too many variables', event: 'run:start', payload: { ...goodStart, variables: manyVariables }, message: /^variables: At most 50 variables\.$/ },
	{ name: 'a variable value too long', event: 'run:start', payload: { ...goodStart, variables: { task: 'x'.repeat(SESSION_LIMITS.variableValue + 1) } }, message: /^variables\.task: / },
	{ name: 'a variable name too long', event: 'run:start', payload: { ...goodStart, variables: { ['n'.repeat(SESSION_LIMITS.variableName + 1)]: 'x' } }, message: /^variables\./ },
	{ name: 'an unknown parameter', event: 'run:start', payload: { ...goodStart, parameters: { temperature: 0, frequencyPenalty: 2 } }, message: /^parameters: / },
	{ name: 'a temperature out of range', event: 'run:start', payload: { ...goodStart, parameters: { temperature: 5 } }, message: /^parameters\.temperature: / },
	{ name: 'an unknown cache mode', event: 'run:start', payload: { ...goodStart, cacheMode: 'sometimes' }, message: /^cacheMode: / },
	{ name: 'a negative afterSeq', event: 'run:resync', payload: { sessionId: someSession, executionId: someSession, afterSeq: -1 }, message: /^afterSeq: / },
	{ name: 'a cancel without a group', event: 'run:cancel', payload: { sessionId: someSession }, message: /^groupId: / }
];

describe('a malformed event', () => {
	it.each(malformed)('$name is refused as invalid, and the socket stays usable', async ({ event, payload, message }) => {
		const team = await newSessionTeam();
		const socket = hub.client(team.editor.cookie);
		await connected(socket);
		const answer = await new Promise<{ ok: boolean; error?: SessionError }>((resolve) => raw(socket)(event, payload, resolve));
		expect(answer.ok).toBe(false);
		expect(answer.error).toMatchObject({ code: 'invalid', event });
		expect(answer.error!.message).toMatch(message);
		expect(socket.connected).toBe(true);

		okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});

	it('sent without an acknowledgement callback comes back as a session:error event', async () => {
		const team = await newSessionTeam();
		const socket = hub.client(team.editor.cookie);
		await connected(socket);
		const seen = new SessionWatcher(socket);
		raw(socket)('session:join', { sessionId: 42 });
		await vi.waitFor(() => expect(seen.errors).toEqual([{ code: 'invalid', message: expect.stringMatching(/^sessionId: /), event: 'session:join' }]));
		okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
	});

	it('with an unknown name gets a session:error naming it', async () => {
		const team = await newSessionTeam();
		const socket = hub.client(team.editor.cookie);
		await connected(socket);
		const seen = new SessionWatcher(socket);
		raw(socket)('run:delete-everything', { sessionId: team.sessionId });
		await vi.waitFor(() => expect(seen.errors).toEqual([{ code: 'invalid', message: 'Unknown event: run:delete-everything.', event: 'run:delete-everything' }]));
		okData(await request(socket, 'session:join', { sessionId: team.sessionId }));
	});
});

/**
 * The shared Redis connection up, as after the studio's start-up (startGeneration uses it first):
 * a start counted while it still connects goes to the in-memory insurance limiter instead, and is
 * not seen by the Redis count that follows (reported separately).
 */
async function redisConnected(): Promise<void> {
	const client = redis();
	if (client && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
}

describe('limits', () => {
	it('a socket sending more than 60 events in 10 s is told to wait, with how long', async () => {
		const team = await newSessionTeam();
		const socket = hub.client(team.viewer.cookie);
		await connected(socket);
		const answers = await Promise.all(Array.from({ length: 65 }, () => request(socket, 'session:leave', { sessionId: team.sessionId })));
		expect(answers.slice(0, 60).every((a) => a.ok)).toBe(true);
		for (const answer of answers.slice(60)) {
			expect(answer).toMatchObject({ ok: false, error: { code: 'rate-limited', event: 'session:leave' } });
			if (!answer.ok) {
				expect(answer.error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
				expect(answer.error.retryAfterSeconds).toBeLessThanOrEqual(10);
				expect(answer.error.message).toBe(`Too many events: wait ${answer.error.retryAfterSeconds} s.`);
			}
		}
		// Another socket of the same user is counted on its own.
		const other = hub.client(team.viewer.cookie);
		await connected(other);
		okData(await request(other, 'session:join', { sessionId: team.sessionId }));
	});

	it('a user over the run starts per minute is refused with how long to wait; no row is written for it', async () => {
		const team = await newSessionTeam();
		configureGeneration({ runsPerMinutePerUser: 2 });
		await redisConnected();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		for (let i = 0; i < 2; i++) {
			const { runs } = okData(await request(editor, 'run:start', runRequest(team)));
			expect((await seen.finishedRun(runs[0]!.executionId)).status).toBe('succeeded');
		}
		const third = await request(editor, 'run:start', runRequest(team));
		expect(third).toMatchObject({ ok: false, error: { code: 'rate-limited', event: 'run:start' } });
		if (!third.ok) {
			expect(third.error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
			expect(third.error.retryAfterSeconds).toBeLessThanOrEqual(60);
			expect(third.error.message).toBe(`Too many runs: wait ${third.error.retryAfterSeconds} s before starting another.`);
		}
		expect(await sessionRows(team.sessionId)).toHaveLength(2);
		expect(hub.tgi().requests).toHaveLength(2);

		// The limit is the user's: the owner may still start.
		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		okData(await request(owner, 'run:start', runRequest(team)));
	});
});

describe('a start that cannot be sent', () => {
	it('a missing variable is refused with a message naming it; nothing is written or sent', async () => {
		const team = await newSessionTeam();
		const { socket: editor } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const answer = await request(editor, 'run:start', runRequest(team, { variables: { language: 'Python' } }));
		expect(answer).toEqual({ ok: false, error: { code: 'invalid', message: 'Fill in the variable {{task}} before running.', event: 'run:start' } });
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});

	it('a version that does not exist is refused as not found; nothing is written or sent', async () => {
		const team = await newSessionTeam();
		const { socket: editor } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const answer = await request(editor, 'run:start', runRequest(team, { source: { kind: 'version', versionNumber: 99 } }));
		expect(answer).toMatchObject({ ok: false, error: { code: 'not-found', event: 'run:start' } });
		if (!answer.ok) expect(answer.error.message).toContain('Version 99');
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});

	it('a model with no endpoint is refused as not-configured naming the variable to set; the snapshot says so too', async () => {
		const team = await newSessionTeam();
		configureGeneration({ endpoints: { ...testSettings(hub.tgi().url).endpoints!, CODET5P_ENDPOINT_URL: undefined } });
		const { socket: editor, snapshot } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		expect(Object.keys(snapshot.notConfigured)).toEqual(['codet5p']);
		expect(snapshot.notConfigured.codet5p).toMatch(/^No model endpoint is configured for CodeT5\+ 16B: set CODET5P_ENDPOINT_URL /);

		// Both models asked: the configured one does not start alone.
		const answer = await request(editor, 'run:start', runRequest(team, { models: ['whiterabbitneo', 'codet5p'] }));
		expect(answer).toMatchObject({ ok: false, error: { code: 'not-configured', event: 'run:start' } });
		if (!answer.ok) expect(answer.error.message).toContain('CODET5P_ENDPOINT_URL');
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);

		const { runs } = okData(await request(editor, 'run:start', runRequest(team, { models: ['whiterabbitneo'] })));
		expect(runs.map((r) => r.model)).toEqual(['whiterabbitneo']);
	});
});
