// Random and mutated messages at every event of the session hub, against a studio process: payloads
// of any shape (fast-check's anything), valid payloads with a field of the wrong type, missing or
// extra, huge strings, deep nesting, binary attachments, a NUL or a lone surrogate in a string, with
// or without an acknowledgement callback, from an editor, a viewer or an outsider; and raw socket.io
// frames (truncated, not JSON, binary headers with no attachment, nesting 100,000 deep). Each is
// answered with an error per the contract (or accepted, when it is valid) or closes that one socket;
// the studio stays up and logs no failure, and a participant joined meanwhile stays connected and
// keeps working. Fixed seed, bounded runs.
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { clientEventSchemas, SESSION_SOCKET_PATH, type ClientEventName, type ClientPayload, type SessionError } from '$lib/realtime/session-events';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { connected, joinedClient, newSessionTeam, okData, request, runRequest, type HubClientSocket, type SessionTeam, type SessionWatcher } from '../helpers/hub-client';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { HOSTILE_SEED, watchStudio, type StudioWatch } from './hostile-fixtures';

const RUNS = 250;
const RAW_RUNS = 120;
const TOKENS = ['def', ' add', '(a, b)'];
const ANSWER_MS = 15_000;
const ERROR_CODES: ReadonlySet<SessionError['code']> = new Set(['invalid', 'unauthorized', 'forbidden', 'not-found', 'rate-limited', 'not-configured', 'conflict', 'internal']);
/** socket.io-client refuses to emit these itself (its own events); raw frames send them. */
const CLIENT_RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

let app: AppServer;
let tgi: TgiServer;
let team: SessionTeam;
let studio: StudioWatch;
let bystander: HubClientSocket;
let seen: SessionWatcher;
let bystanderDisconnects: string[] = [];
/** A run of the bystander's, for cancel and resync payloads that name a real group and run. */
let known: { groupId: string; executionId: string };

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: TOKENS });
	[app, team] = await Promise.all([
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: tgi.url, EMBEDDED_MODEL: 'off', RUNS_PER_MINUTE_PER_USER: '10000' }),
		newSessionTeam()
	]);
	({ socket: bystander, seen } = await joinedClient(client(team.owner.cookie), team.sessionId));
	bystander.on('disconnect', (reason) => bystanderDisconnects.push(reason));
	const started = okData(await request(bystander, 'run:start', runRequest(team)));
	known = { groupId: started.groupId, executionId: started.runs[0]!.executionId };
	await seen.finishedRun(known.executionId);
	studio = watchStudio(app);
}, 120_000);

afterAll(async () => {
	bystander?.disconnect();
	await app?.stop();
	await tgi?.close();
});

function client(cookie: string): HubClientSocket {
	return io(app.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
}

/** A valid payload of each client event; typed over every event, and checked against the schema's keys below. */
const VALID: { [E in ClientEventName]: () => ClientPayload<E> } = {
	'session:join': () => ({ sessionId: team.sessionId }),
	'session:leave': () => ({ sessionId: team.sessionId }),
	'run:start': () => ({ ...runRequest(team), variables: { language: 'Python', task: 'add' }, parameters: { temperature: 0, maxTokens: 16, stop: ['\n'] }, cacheMode: 'never' }),
	'run:cancel': () => ({ sessionId: team.sessionId, groupId: known.groupId }),
	'run:resync': () => ({ sessionId: team.sessionId, executionId: known.executionId, afterSeq: 0 }),
	'variables:set': () => ({ sessionId: team.sessionId, values: { language: 'Python', task: 'add two numbers' } })
};
const EVENTS = Object.keys(VALID) as ClientEventName[];

// ---- what is sent ---------------------------------------------------------------------------------

const anything = fc.anything({ maxDepth: 3, maxKeys: 6, withBoxedValues: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withDate: true, stringUnit: 'binary' });
/** Strings a database or a decoder may choke on. */
const nastyString = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\uffff', '{{task}}', '{{#a}}{{/a}}', '{{>partial}}', '%00', '../../etc/passwd', '__proto__', 'constructor', '  ', '')
);

/** A value 1,000 to 1,200,000 bytes long: most fit the event limit, the largest go over it. */
const huge = fc.integer({ min: 1_000, max: 1_200_000 }).map((size) => ({ huge: size }));
/** Arrays or objects nested up to 3,000 deep (socket.io-client recurses into what it sends; deeper goes raw). */
const deep = fc.record({ depth: fc.integer({ min: 10, max: 3_000 }), kind: fc.constantFrom('array' as const, 'object' as const) }).map((nest) => ({ nest }));
const binary = fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ binary: Array.from(bytes) }));

type Path = string[];
/** An array or a plain object: what a mutation reaches into (not a boxed string, a date, a typed array). */
function isContainer(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object') return false;
	const prototype = Object.getPrototypeOf(value);
	return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/** Every path into a payload, the payload itself ([]) included, four levels deep at most (a mutation may have nested it far deeper). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
	if (!isContainer(value) || prefix.length >= 4) return [prefix];
	return [prefix, ...Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, [...prefix, key]))];
}

/** What replaces the value at a path: anything, a nasty string, huge, deep or binary. */
const replacement: fc.Arbitrary<Replacement> = fc.oneof({ weight: 4, arbitrary: anything.map((value) => ({ value })) }, { weight: 3, arbitrary: nastyString.map((value) => ({ value })) }, huge, deep, binary);

type Replacement = { value: unknown } | { huge: number } | { nest: { depth: number; kind: 'array' | 'object' } } | { binary: number[] };
type Mutation = { path: number; op: 'set'; with: Replacement } | { path: number; op: 'delete' } | { path: number; op: 'extra'; key: string; with: Replacement };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{ weight: 5, arbitrary: fc.record({ path: fc.nat(), op: fc.constant('set' as const), with: replacement }) },
	{ weight: 2, arbitrary: fc.record({ path: fc.nat(), op: fc.constant('delete' as const) }) },
	{ weight: 2, arbitrary: fc.record({ path: fc.nat(), op: fc.constant('extra' as const), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toJSON', 'then')), with: replacement }) }
);

/** The valid payload with one string (or one key) made nasty: a NUL, a lone surrogate, a template tag. */
const nasty: fc.Arbitrary<Mutation[]> = fc.oneof(
	fc.record({ path: fc.nat(), op: fc.constant('set' as const), with: nastyString.map((value) => ({ value })) }).map((m) => [m]),
	fc.record({ path: fc.nat(), op: fc.constant('extra' as const), key: nastyString, with: fc.constant({ value: 'x' }) }).map((m) => [m])
);

/** What a run stores from its start (a variable's name or value, a stop sequence) or a session keeps (a shared value), made nasty; other events get it as a session id. */
const stored = fc.record({
	where: fc.constantFrom('variable value' as const, 'variable name' as const, 'stop sequence' as const),
	text: fc.oneof(nastyString, fc.constantFrom('\u0000', 'tab\u0000', '\ud800', 'x\udfffy', '\udc00\ud800'))
});

/** A payload: anything at all, or the event's valid payload with 0–3 mutations, with one nasty string, or with nasty text where a run stores it. */
const payload = fc.oneof(
	{ weight: 2, arbitrary: replacement.map((how) => ({ kind: 'random' as const, how })) },
	{ weight: 5, arbitrary: fc.array(mutation, { maxLength: 3 }).map((mutations) => ({ kind: 'mutated' as const, mutations })) },
	{ weight: 2, arbitrary: nasty.map((mutations) => ({ kind: 'mutated' as const, mutations })) },
	{ weight: 2, arbitrary: stored.map((at) => ({ kind: 'stored' as const, ...at })) }
);

const message = fc.record({
	/** An event of the contract, or any other name. */
	event: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...EVENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }).filter((name) => !CLIENT_RESERVED.has(name)) }),
	payload,
	/** Arguments after the payload: none mostly, sometimes more (the ack is then not second). */
	extra: fc.array(anything, { maxLength: 2 }),
	withAck: fc.boolean(),
	/** No payload at all, one time in ten: only the event name (and the ack). */
	bare: fc.integer({ min: 0, max: 9 }).map((n) => n === 0)
});
type Message = typeof message extends fc.Arbitrary<infer M> ? M : never;

const sender = fc.record({
	who: fc.constantFrom('editor', 'editor', 'editor', 'viewer', 'outsider'),
	/** Joined first, mostly: run events need it to get past the session's door. */
	joinFirst: fc.constantFrom(true, true, true, false),
	messages: fc.array(message, { minLength: 1, maxLength: 4 })
});

function materialise(how: Replacement): unknown {
	if ('value' in how) return how.value;
	if ('huge' in how) return 'x'.repeat(how.huge);
	if ('binary' in how) return Buffer.from(how.binary);
	let value: unknown = 'bottom';
	for (let i = 0; i < how.nest.depth; i++) value = how.nest.kind === 'array' ? [value] : { a: value };
	return value;
}

function mutate(valid: unknown, mutations: Mutation[]): unknown {
	let root: unknown = structuredClone(valid);
	for (const change of mutations) {
		const paths = pathsOf(root);
		const path = paths[change.path % paths.length]!;
		if (path.length === 0) {
			if (change.op === 'set') root = materialise(change.with);
			else if (change.op === 'extra' && isContainer(root)) root[change.key] = materialise(change.with);
			else if (change.op === 'delete') root = undefined;
			continue;
		}
		const parent = path.slice(0, -1).reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, root as Record<string, unknown>);
		const key = path.at(-1)!;
		if (change.op === 'set') parent[key] = materialise(change.with);
		else if (change.op === 'delete') delete parent[key];
		else {
			const target = parent[key];
			if (isContainer(target)) target[change.key] = materialise(change.with);
			else parent[`${key}${change.key}`] = materialise(change.with);
		}
	}
	return root;
}

function payloadOf(m: Message): unknown {
	const valid = (EVENTS as string[]).includes(m.event) ? VALID[m.event as ClientEventName]() : VALID['session:join']();
	switch (m.payload.kind) {
		case 'random':
			return materialise(m.payload.how);
		case 'mutated':
			return mutate(valid, m.payload.mutations);
		case 'stored': {
			if (m.event === 'variables:set') {
				// Shared values are stored too (in Redis or memory), under the same rules as a run's.
				const { where, text } = m.payload;
				return { ...VALID['variables:set'](), values: where === 'variable name' ? { [text]: 'x' } : { task: text } };
			}
			if (m.event !== 'run:start') return { ...valid, sessionId: m.payload.text };
			const start = VALID['run:start']();
			const { where, text } = m.payload;
			if (where === 'variable value') return { ...start, variables: { ...start.variables, task: text } };
			if (where === 'variable name') return { ...start, variables: { ...start.variables, [text]: 'x' } };
			return { ...start, parameters: { ...start.parameters, stop: [text] } };
		}
	}
}

// ---- what must hold -------------------------------------------------------------------------------

type Answer = { ok: true; data: unknown } | { ok: false; error: SessionError };

function expectContractAnswer(answer: unknown, event: string): void {
	expect(answer, `the ack of ${event}`).toBeTypeOf('object');
	const { ok } = answer as Answer;
	if (ok === true) return;
	const { error } = answer as { ok: false; error: SessionError };
	expect(ok).toBe(false);
	expect(ERROR_CODES.has(error.code), `code ${error.code}`).toBe(true);
	expect(error.code, `${event} failed unexpectedly: ${error.message}`).not.toBe('internal');
	expect(error.message).toBeTypeOf('string');
	expect(error.message.length).toBeGreaterThan(0);
	expect(error.event).toBe(typeof event === 'string' ? event.slice(0, 60) : String(event));
}

/** Resolves with the ack, or null once the socket is disconnected; fails when neither comes. */
function ackOrDisconnect(socket: HubClientSocket, emit: (ack: (answer: unknown) => void) => void, event: string): Promise<unknown | null> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`neither an ack of ${event} nor a disconnect within ${ANSWER_MS} ms`)), ANSWER_MS);
		const gone = () => {
			clearTimeout(timer);
			resolve(null);
		};
		if (!socket.connected) return gone();
		socket.once('disconnect', gone);
		emit((answer) => {
			clearTimeout(timer);
			socket.off('disconnect', gone);
			resolve(answer);
		});
	});
}

let bystanderChecks = 0;
/** The participant joined all along: connected, never dropped, and (every few runs) still served. */
async function bystanderStillWorks(force = false): Promise<void> {
	expect(bystanderDisconnects).toEqual([]);
	expect(bystander.connected).toBe(true);
	// The bystander's own socket has an event budget too (60 per 10 s): a join every 10th run keeps
	// all of them together (about 40, with the run at the end) under it, however fast the runs go.
	if (!force && ++bystanderChecks % 10 !== 0) return;
	const snapshot = okData(await request(bystander, 'session:join', { sessionId: team.sessionId }, ANSWER_MS));
	expect(snapshot.sessionId).toBe(team.sessionId);
}

const tally = { messages: 0, acked: 0, accepted: 0, refused: 0, closed: 0, byEvent: {} as Record<string, number> };

describe('hostile events at the session hub (fast-check, fixed seed)', () => {
	it('the property tests every client event of the contract', () => {
		expect([...EVENTS].sort()).toEqual(Object.keys(clientEventSchemas).sort());
	});

	it(`random and mutated payloads at every event are answered with an error or close that socket; the studio and a joined participant carry on (seed ${HOSTILE_SEED}, ${RUNS} runs)`, async () => {
		await fc.assert(
			fc.asyncProperty(sender, async ({ who, joinFirst, messages }) => {
				const socket = client(team[who as 'editor' | 'viewer' | 'outsider'].cookie);
				const errors: unknown[] = [];
				socket.on('session:error', (error) => errors.push(error));
				try {
					await connected(socket, ANSWER_MS);
					if (joinFirst) await request(socket, 'session:join', { sessionId: team.sessionId }, ANSWER_MS);
					for (const m of messages) {
						tally.messages++;
						const named = (EVENTS as string[]).includes(m.event) ? m.event : '(unknown)';
						tally.byEvent[named] = (tally.byEvent[named] ?? 0) + 1;
						const args = m.bare ? [] : [payloadOf(m), ...m.extra];
						const emit = (socket.emit as unknown as (event: string, ...rest: unknown[]) => void).bind(socket);
						if (!m.withAck) {
							emit(m.event, ...args);
							continue;
						}
						const answer = await ackOrDisconnect(socket, (ack) => emit(m.event, ...args, ack), m.event);
						if (answer === null) break;
						tally.acked++;
						expectContractAnswer(answer, m.event);
						if ((answer as Answer).ok) tally.accepted++;
						else tally.refused++;
					}
					// Whatever came before, the socket is either gone or still answers (a refusal counts).
					const last = await ackOrDisconnect(socket, (ack) => (socket.emit as unknown as (e: string, p: unknown, a: unknown) => void)('session:leave', { sessionId: team.sessionId }, ack), 'session:leave');
					if (last === null) tally.closed++;
					else expectContractAnswer(last, 'session:leave');
					for (const error of errors) expectContractAnswer({ ok: false, error }, (error as SessionError).event ?? '');
				} finally {
					socket.disconnect();
				}
				await studio.assertHealthy();
				await bystanderStillWorks();
			}),
			{ seed: HOSTILE_SEED, numRuns: RUNS, endOnFailure: true }
		);
		console.log(`hostile hub events: ${JSON.stringify(tally)}`);
		for (const event of EVENTS) expect(tally.byEvent[event], `${event} was never sent`).toBeGreaterThan(0);
	}, 240_000);

	it(`raw socket.io frames (truncated, not JSON, binary with no attachment, nested 100,000 deep) are answered or close that socket (seed ${HOSTILE_SEED}, ${RAW_RUNS} runs)`, async () => {
		const valid = (event: ClientEventName, id: number | null) => `42${id ?? ''}${JSON.stringify([event, VALID[event]()])}`;
		const frame = fc.oneof(
			fc.record({ event: fc.constantFrom(...EVENTS), cut: fc.nat() }).map(({ event, cut }) => {
				const text = valid(event, 7);
				return text.slice(0, 2 + (cut % (text.length - 2)));
			}),
			fc.string({ unit: 'binary', maxLength: 60 }).map((text) => `42${text}`),
			fc.string({ unit: 'binary', maxLength: 60 }),
			fc.constantFrom('4', '42', '43', '44', '45', '46', '41', '40', '1', '2', '3', '5', '6', '7', '9', '', '2probe', '451-["session:join",{"_placeholder":true,"num":0}]', '452-["run:start",{"_placeholder":true,"num":5}]', '42["error",{}]', '42[123,{}]', '42["__proto__",{}]', '42["disconnect"]', '42/other,["session:join",{}]', '43999["x"]', '42-1["session:join",{}]', '4299999999999999999999["session:join",{}]'),
			fc.record({ event: fc.constantFrom(...EVENTS), depth: fc.integer({ min: 1_000, max: 100_000 }), id: fc.option(fc.nat({ max: 1000 })) }).map(
				({ event, depth, id }) => `42${id ?? ''}["${event}",${'['.repeat(depth)}${']'.repeat(depth)}]`
			),
			fc.record({ event: fc.constantFrom(...EVENTS), id: fc.option(fc.nat({ max: 1000 })) }).map(({ event, id }) => valid(event, id))
		);
		const PROBE_ID = 987654;
		await fc.assert(
			fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
				const socket = new WebSocket(`${app.url.replace('http', 'ws')}${SESSION_SOCKET_PATH}?EIO=4&transport=websocket`, { headers: { cookie: team.editor.cookie } });
				const acks: string[] = [];
				let ready = false;
				const outcome = await new Promise<'answered' | 'closed'>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`neither the probe's answer nor a close within ${ANSWER_MS} ms; acks: ${acks.join(' | ')}`)), ANSWER_MS);
					const done = (how: 'answered' | 'closed') => {
						clearTimeout(timer);
						resolve(how);
					};
					socket.on('error', () => undefined);
					socket.on('close', () => done('closed'));
					socket.on('message', (data) => {
						const text = data.toString();
						if (text.startsWith('0')) socket.send('40');
						else if (text === '2') socket.send('3');
						else if (text.startsWith('40') && !ready) {
							ready = true;
							for (const f of frames) socket.send(f);
							socket.send(`42${PROBE_ID}${JSON.stringify(['session:leave', { sessionId: team.sessionId }])}`);
						} else if (text.startsWith(`43${PROBE_ID}`)) done('answered');
						else if (text.startsWith('43')) acks.push(text);
					});
				});
				for (const ack of acks) {
					const [answer] = JSON.parse(ack.slice(ack.indexOf('['))) as unknown[];
					const { error } = answer as { error?: SessionError };
					if (error) expect(error.code, error.message).not.toBe('internal');
				}
				if (outcome === 'closed') tally.closed++;
				socket.terminate();
				await studio.assertHealthy();
				await bystanderStillWorks();
			}),
			{ seed: HOSTILE_SEED, numRuns: RAW_RUNS, endOnFailure: true }
		);
	}, 240_000);

	it('afterwards the participant still runs a prompt to its end, and the studio holds no more memory than the bound', async () => {
		await bystanderStillWorks(true);
		const started = okData(await request(bystander, 'run:start', runRequest(team), ANSWER_MS));
		const run = await seen.finishedRun(started.runs[0]!.executionId, 30_000);
		expect(run).toMatchObject({ status: 'succeeded', text: TOKENS.join('') });
		await studio.assertHealthy();
		studio.assertMemory('hostile hub events');
	});
});
