// Random and mutated messages of every y-websocket message type at a draft socket of a studio
// process: sync step 1, sync step 2 and update (state vectors and Yjs updates, valid or with bytes
// flipped, cut or appended, lengths that promise more than follows, updates to roots a client may
// not write, v2-encoded updates), awareness (entry counts that lie, states that are not JSON or too
// large, claims to a bystander's client id), auth, query-awareness, unknown types, truncated and
// out-of-range varints, text frames and frames over the size limit; sent before or after the socket
// is authorised, as an editor, an owner or a viewer. Each message is handled (answered, applied or
// dropped) or closes that one socket with a 44xx code; never a server error, never the studio. Two
// editors on the same prompt keep their text and their presence, their next edits are stored, and
// PostgreSQL holds exactly what they see and nothing of the rest. Fixed seed, bounded runs.
import fc from 'fast-check';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { readDraft, ROOTS } from '$lib/prompt-doc';
import { YJS_CLOSE, YJS_LIMITS, YJS_MESSAGE } from '$lib/realtime/yjs-protocol';
import { prismaDraftStore } from '$lib/server/drafts';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres } from '../helpers/db';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam, type PromptTeam } from '../helpers/yjs-team';
import { HOSTILE_SEED, watchStudio, type StudioWatch } from './hostile-fixtures';

const RUNS = 300;
const ANSWER_MS = 15_000;
/** The closes a hostile message may earn: malformed, too large, too many. Never 1011 (a server error). */
const REFUSALS: ReadonlySet<number> = new Set([YJS_CLOSE.malformed, YJS_CLOSE.tooLarge, YJS_CLOSE.tooManyMessages]);

let app: AppServer;
let team: PromptTeam;
let studio: StudioWatch;
let alice: TestClient;
let bob: TestClient;
const typed: string[] = [];
/** The server's own part of the draft before the attack: no client may change it. */
let metaBefore: Record<string, unknown>;

beforeAll(async () => {
	[app, team] = await Promise.all([startAppServer(), newPromptTeam()]);
	alice = connectClient(app.yjsUrl, team.promptId, team.owner.cookie);
	bob = connectClient(app.yjsUrl, team.promptId, team.editor.cookie);
	await Promise.all([alice.synced(), bob.synced()]);
	alice.provider.awareness.setLocalStateField('cursor', { anchor: 0 });
	bob.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
	await type(alice, '<alice-first>');
	await eventually(() => bob.provider.awareness.getStates().get(alice.doc.clientID), (state) => state !== undefined);
	await eventually(() => alice.provider.awareness.getStates().get(bob.doc.clientID), (state) => state !== undefined);
	metaBefore = alice.doc.getMap(ROOTS.meta).toJSON();
	alice.doc.on('update', (_update: Uint8Array, origin: unknown) => origin === alice.provider && tally.updatesAliceReceived++);
	studio = watchStudio(app);
}, 120_000);

afterAll(async () => {
	alice?.destroy();
	bob?.destroy();
	await app?.stop();
});

/** `who` types `marker` at the end of the template; the other editor sees it. */
async function type(who: TestClient, marker: string): Promise<void> {
	who.type(marker);
	typed.push(marker);
	const other = who === alice ? bob : alice;
	await eventually(() => other.text(), (text) => text.includes(marker), ANSWER_MS);
}

let bystanderChecks = 0;
/** Neither editor was closed; both hold every marker typed, whole, and the same text; every few runs they type on. */
async function bystandersIntact(): Promise<void> {
	expect(alice.closes.concat(bob.closes)).toEqual([]);
	await eventually(() => [alice.text(), bob.text()], ([a, b]) => a === b && typed.every((marker) => a!.includes(marker)), ANSWER_MS);
	if (++bystanderChecks % 10 === 0) await type(bystanderChecks % 20 ? bob : alice, `<edit-${bystanderChecks}>`);
}

// ---- what is sent ---------------------------------------------------------------------------------

const frame = (write: (encoder: encoding.Encoder) => void) => {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
};

/** Content of a Yjs update, built on a fresh document of a client id of its own (so valid on its own). */
type Edit =
	| { op: 'text'; root: string; text: string; at: number }
	| { op: 'delete'; root: string; text: string; from: number; length: number }
	| { op: 'map'; root: string; key: string; value: string | number | boolean | null }
	| { op: 'array'; root: string; items: string[] }
	| { op: 'nested'; root: string; key: string; text: string }
	| { op: 'format'; root: string; text: string; attribute: string };

const rootName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<string>(ROOTS.template, ROOTS.system, ROOTS.examples, ROOTS.params) }, { weight: 2, arbitrary: fc.constantFrom<string>(ROOTS.meta, 'evil', '', '__proto__') });
const shortText = fc.string({ unit: 'binary', maxLength: 24 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.record({ op: fc.constant('text' as const), root: rootName, text: shortText, at: fc.nat(5) }),
	fc.record({ op: fc.constant('delete' as const), root: rootName, text: shortText, from: fc.nat(5), length: fc.nat(30) }),
	fc.record({ op: fc.constant('map' as const), root: rootName, key: fc.string({ maxLength: 10 }), value: fc.oneof(fc.string({ maxLength: 10 }), fc.double(), fc.boolean(), fc.constant(null)) }),
	fc.record({ op: fc.constant('array' as const), root: rootName, items: fc.array(shortText, { maxLength: 3 }) }),
	fc.record({ op: fc.constant('nested' as const), root: rootName, key: fc.constantFrom('input', 'output', 'x'), text: shortText }),
	fc.record({ op: fc.constant('format' as const), root: rootName, text: shortText, attribute: fc.string({ maxLength: 8 }) })
);

/** A Yjs update of its own (v1, or v2 which the server does not speak), from one or two edits; `partial`: only the second transaction's update (it builds on what the server lacks). */
const update = fc.record({ client: fc.integer({ min: 1, max: 2 ** 31 }), edits: fc.array(edit, { minLength: 1, maxLength: 3 }), encoding: fc.constantFrom('v1', 'v1', 'v1', 'v2'), partial: fc.boolean() });
type UpdateRecipe = typeof update extends fc.Arbitrary<infer U> ? U : never;

function applyEdit(doc: Y.Doc, e: Edit): void {
	try {
		switch (e.op) {
			case 'text':
				return doc.getText(e.root).insert(Math.min(e.at, doc.getText(e.root).length), e.text);
			case 'delete': {
				const text = doc.getText(e.root);
				text.insert(0, e.text);
				const from = Math.min(e.from, text.length);
				return text.delete(from, Math.min(e.length, text.length - from));
			}
			case 'map':
				doc.getMap(e.root).set(e.key, e.value);
				return;
			case 'array':
				return doc.getArray<string>(e.root).push(e.items);
			case 'nested': {
				const example = new Y.Map<Y.Text>();
				example.set(e.key, new Y.Text(e.text));
				return doc.getArray(e.root).push([example]);
			}
			case 'format':
				return doc.getText(e.root).insert(0, e.text, { [e.attribute || 'b']: true });
		}
	} catch {
		// One root asked for as two kinds of type: the edit is left out, the update is still one.
	}
}

function buildUpdate(recipe: UpdateRecipe): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = recipe.client;
	const updates: Uint8Array[] = [];
	doc.on(recipe.encoding === 'v2' ? 'updateV2' : 'update', (u: Uint8Array) => updates.push(u));
	for (const e of recipe.edits) doc.transact(() => applyEdit(doc, e));
	doc.destroy();
	if (updates.length === 0) return Uint8Array.of(0, 0);
	return recipe.partial && updates.length > 1 ? updates.at(-1)! : recipe.encoding === 'v2' ? Y.mergeUpdatesV2(updates) : Y.mergeUpdates(updates);
}

/** A state vector: a real one (client ids and clocks) or random bytes. */
const stateVector = fc.oneof(
	fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }).map((entries) =>
		frame((e) => {
			encoding.writeVarUint(e, entries.length);
			for (const [client, clock] of entries) {
				encoding.writeVarUint(e, client);
				encoding.writeVarUint(e, clock);
			}
		})
	),
	fc.uint8Array({ maxLength: 24 })
);

/** Presence entries: a new client id, the bystander's (a claim to someone else's presence), or a reused one. */
const presenceState = fc.oneof(
	fc.constantFrom('{}', 'null', '{"user":{"name":"mallory"},"cursor":1}', '[]', '"x"', '1', 'not json', '{"user":[]}', '{"__proto__":{"polluted":true}}', ''),
	fc.json({ maxDepth: 3 }),
	fc.integer({ min: 16 * 1024 - 2, max: 20 * 1024 }).map((size) => JSON.stringify({ pad: 'x'.repeat(size) }))
);
const presenceEntry = fc.record({ client: fc.oneof(fc.constant('bystander' as const), fc.constant('reused' as const), fc.nat()), clock: fc.nat(), state: presenceState });

/** Byte-level damage to a built frame: none, mostly (a valid message must get through too), or a cut, a flip, bytes inserted or appended. */
type Damage = { op: 'cut'; at: number } | { op: 'flip'; at: number; xor: number } | { op: 'insert'; at: number; bytes: Uint8Array } | { op: 'append'; bytes: Uint8Array };
const damage: fc.Arbitrary<Damage> = fc.oneof(
	fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
	fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
	fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
	fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) })
);
const damages = fc.oneof({ weight: 2, arbitrary: fc.constant<Damage[]>([]) }, { weight: 1, arbitrary: fc.array(damage, { minLength: 1, maxLength: 2 }) });

const message = fc.oneof(
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 64 }) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('typed' as const), type: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(2 ** 31), fc.constant(Number.MAX_SAFE_INTEGER)), body: fc.uint8Array({ maxLength: 32 }) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('step1' as const), vector: stateVector, lengthDelta: fc.integer({ min: -2, max: 3 }).map((d) => (d < 0 ? 0 : d)) }) },
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('update' as const), step: fc.constantFrom(1, 2, 2), update, lengthDelta: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 1000 })), damage: damages }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('sync-unknown' as const), step: fc.integer({ min: 3, max: 300 }), body: fc.uint8Array({ maxLength: 16 }) }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('awareness' as const), entries: fc.array(presenceEntry, { maxLength: 4 }), countDelta: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -1, max: 300 })), damage: damages }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('auth' as const), permission: fc.nat(3), reason: fc.string({ maxLength: 20 }) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('query' as const), trailing: fc.uint8Array({ maxLength: 4 }) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('varint' as const), bytes: fc.constantFrom(Uint8Array.of(0x80), Uint8Array.of(0x80, 0x80, 0x80), Uint8Array.of(0, 0x80), Uint8Array.of(0, 0, 0x80, 0x80), Uint8Array.of(1, 0xff, 0xff), Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Uint8Array.from([0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Uint8Array.of()) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 20 }) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), size: fc.integer({ min: YJS_LIMITS.maxMessageBytes - 8, max: YJS_LIMITS.maxMessageBytes + 8 }), type: fc.constantFrom(0, 1, 3) }) }
);
type Message = typeof message extends fc.Arbitrary<infer M> ? M : never;
/** Messages that decode: updates of every kind (to roots a client may not write, building on what the server lacks), presence, questions. */
const wellFormed: fc.Arbitrary<Message> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('update' as const), step: fc.constantFrom(1, 2, 2), update, lengthDelta: fc.constant(0), damage: fc.constant<Damage[]>([]) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('awareness' as const), entries: fc.array(presenceEntry, { maxLength: 4 }), countDelta: fc.constant(0), damage: fc.constant<Damage[]>([]) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('step1' as const), vector: stateVector, lengthDelta: fc.constant(0) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('query' as const), trailing: fc.constant(Uint8Array.of()) }) }
);

function damaged(bytes: Uint8Array, changes: Damage[]): Uint8Array {
	let out = Uint8Array.from(bytes);
	for (const change of changes) {
		if (change.op === 'append') out = Uint8Array.from([...out, ...change.bytes]);
		else if (out.length === 0) continue;
		else if (change.op === 'cut') out = out.slice(0, change.at % out.length);
		else if (change.op === 'flip') out[change.at % out.length] = out[change.at % out.length]! ^ change.xor;
		else out = Uint8Array.from([...out.slice(0, change.at % out.length), ...change.bytes, ...out.slice(change.at % out.length)]);
	}
	return out;
}

/** The bytes (or text) of one message; `reused` is a client id this socket already spoke for. */
function build(m: Message, reused: number): Uint8Array | string {
	switch (m.kind) {
		case 'random':
			return m.bytes;
		case 'typed':
			return frame((e) => {
				encoding.writeVarUint(e, m.type);
				encoding.writeUint8Array(e, m.body);
			});
		case 'step1':
			return frame((e) => {
				encoding.writeVarUint(e, YJS_MESSAGE.sync);
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint(e, m.vector.length + m.lengthDelta);
				encoding.writeUint8Array(e, m.vector);
			});
		case 'update': {
			const body = damaged(buildUpdate(m.update), m.damage);
			return frame((e) => {
				encoding.writeVarUint(e, YJS_MESSAGE.sync);
				encoding.writeVarUint(e, m.step);
				encoding.writeVarUint(e, body.length + m.lengthDelta);
				encoding.writeUint8Array(e, body);
			});
		}
		case 'sync-unknown':
			return frame((e) => {
				encoding.writeVarUint(e, YJS_MESSAGE.sync);
				encoding.writeVarUint(e, m.step);
				encoding.writeVarUint8Array(e, m.body);
			});
		case 'awareness': {
			const entries = frame((a) => {
				encoding.writeVarUint(a, Math.max(0, m.entries.length + m.countDelta));
				for (const entry of m.entries) {
					encoding.writeVarUint(a, entry.client === 'bystander' ? alice.doc.clientID : entry.client === 'reused' ? reused : entry.client);
					encoding.writeVarUint(a, entry.clock);
					encoding.writeVarString(a, entry.state);
				}
			});
			return frame((e) => {
				encoding.writeVarUint(e, YJS_MESSAGE.awareness);
				encoding.writeVarUint8Array(e, damaged(entries, m.damage));
			});
		}
		case 'auth':
			return frame((e) => {
				encoding.writeVarUint(e, YJS_MESSAGE.auth);
				encoding.writeVarUint(e, m.permission);
				encoding.writeVarString(e, m.reason);
			});
		case 'query':
			return Uint8Array.from([YJS_MESSAGE.queryAwareness, ...m.trailing]);
		case 'varint':
			return m.bytes;
		case 'text':
			return m.text;
		case 'huge': {
			const bytes = new Uint8Array(m.size);
			bytes[0] = m.type;
			if (m.type === YJS_MESSAGE.sync) bytes.set(frame((e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint(e, m.size - 5))), 1);
			return bytes;
		}
	}
}

/** Whether the server will answer this message with a sync step 2 (it reads a step 1 the way the server does). */
function asksForStep2(bytes: Uint8Array | string): boolean {
	if (typeof bytes === 'string' || bytes.length > YJS_LIMITS.maxMessageBytes) return false;
	try {
		const decoder = decoding.createDecoder(bytes);
		if (decoding.readVarUint(decoder) !== YJS_MESSAGE.sync || decoding.readVarUint(decoder) !== 0) return false;
		decoding.readVarUint8Array(decoder);
		return true;
	} catch {
		return false;
	}
}

const isStep2 = (bytes: Uint8Array) => bytes[0] === YJS_MESSAGE.sync && bytes[1] === 1;
const PROBE = Uint8Array.of(YJS_MESSAGE.sync, 0, 1, 0); // sync step 1, empty state vector

const attack = fc.record({
	who: fc.constantFrom('editor', 'editor', 'owner', 'viewer'),
	/** Sent as soon as the socket opens (queued while it is authorised), or once the server's step 1 is in. */
	early: fc.boolean(),
	/** Any messages, or (one run in three) only messages that decode, so that later ones are read too. */
	messages: fc.oneof({ weight: 2, arbitrary: fc.array(message, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(wellFormed, { minLength: 1, maxLength: 4 }) })
});

/** The kinds of message sent for each y-websocket message type of the wire module (unknown types are 'typed', 'random' and 'varint'). */
const KINDS_BY_TYPE: Record<keyof typeof YJS_MESSAGE, Message['kind'][]> = {
	sync: ['step1', 'update', 'sync-unknown', 'huge'],
	awareness: ['awareness', 'huge'],
	auth: ['auth'],
	queryAwareness: ['query', 'huge']
};

const tally = { runs: 0, closed: {} as Record<number, number>, answered: 0, byKind: {} as Record<string, number>, updatesAliceReceived: 0 };

describe('hostile messages at a draft socket (fast-check, fixed seed)', () => {
	it('the property sends every message type of the wire module', () => {
		expect(Object.keys(KINDS_BY_TYPE).sort()).toEqual(Object.keys(YJS_MESSAGE).sort());
	});

	it(`random and mutated messages of every type are handled or close that socket; the editors around keep their text and their edits are stored (seed ${HOSTILE_SEED}, ${RUNS} runs)`, async () => {
		await fc.assert(
			fc.asyncProperty(attack, async ({ who, early, messages }) => {
				tally.runs++;
				const reused = 4_000_000_000 + tally.runs;
				const frames = messages.map((m) => {
					tally.byKind[m.kind] = (tally.byKind[m.kind] ?? 0) + 1;
					return build(m, reused);
				});
				// The socket first speaks for `reused` itself, so that a later entry for it is its own.
				const own = frame((e) => {
					encoding.writeVarUint(e, YJS_MESSAGE.awareness);
					encoding.writeVarUint8Array(e, frame((a) => (encoding.writeVarUint(a, 1), encoding.writeVarUint(a, reused), encoding.writeVarUint(a, 1), encoding.writeVarString(a, '{}'))));
				});
				const answersExpected = 1 + frames.filter(asksForStep2).length;
				const socket = new WebSocket(`${app.yjsUrl}/${team.promptId}`, { headers: { cookie: team[who as 'editor' | 'owner' | 'viewer'].cookie } });
				const outcome = await new Promise<{ closed: { code: number; reason: string } | null }>((resolve, reject) => {
					let step2s = 0;
					let sent = false;
					const timer = setTimeout(() => reject(new Error(`neither ${answersExpected} answers nor a close within ${ANSWER_MS} ms (${step2s} answers)`)), ANSWER_MS);
					const send = () => {
						if (sent) return;
						sent = true;
						for (const bytes of [own, ...frames, PROBE]) socket.send(bytes);
					};
					socket.on('error', () => undefined);
					socket.on('open', () => early && send());
					socket.on('message', (data: Buffer) => {
						if (!early) send();
						if (isStep2(new Uint8Array(data)) && ++step2s === answersExpected) {
							clearTimeout(timer);
							resolve({ closed: null });
						}
					});
					socket.on('close', (code, reason) => {
						clearTimeout(timer);
						resolve({ closed: { code, reason: reason.toString() } });
					});
				});
				if (outcome.closed) {
					tally.closed[outcome.closed.code] = (tally.closed[outcome.closed.code] ?? 0) + 1;
					expect(REFUSALS.has(outcome.closed.code), `closed with ${outcome.closed.code}: ${outcome.closed.reason}`).toBe(true);
					expect(outcome.closed.reason.length).toBeGreaterThan(0);
				} else tally.answered++;
				socket.terminate();
				await studio.assertHealthy();
				await bystandersIntact();
			}),
			{ seed: HOSTILE_SEED, numRuns: RUNS, endOnFailure: true }
		);
		console.log(`hostile yjs messages: ${JSON.stringify(tally)}`);
		for (const kind of [...Object.values(KINDS_BY_TYPE).flat(), 'random', 'typed', 'varint', 'text']) {
			expect(tally.byKind[kind], `no ${kind} message was sent`).toBeGreaterThan(0);
		}
	}, 240_000);

	it('afterwards the editors edit on, their presence is their own, and what is stored is what they see, nothing else', async () => {
		await type(bob, '<bob-last>');
		await type(alice, '<alice-last>');
		await bystandersIntact();
		expect(alice.doc.getMap(ROOTS.meta).toJSON()).toEqual(metaBefore);
		expect(bob.provider.awareness.getStates().get(alice.doc.clientID)?.user?.name).toBe(team.owner.user.username);
		expect(alice.provider.awareness.getStates().get(bob.doc.clientID)?.user?.name).toBe(team.editor.user.username);

		// Someone opening the draft now gets the same text.
		const fresh = connectClient(app.yjsUrl, team.promptId, team.viewer.cookie);
		try {
			await fresh.synced();
			await eventually(() => fresh.text(), (text) => text === alice.text(), ANSWER_MS);
		} finally {
			fresh.destroy();
		}

		if (hasPostgres()) {
			// PostgreSQL, read directly: the snapshot and every logged update decode and apply in full,
			// touch only the draft's own parts, and make the text the editors see.
			// Once the other editor saw an edit, it was stored (the server broadcasts only what it stored).
			const stored = await prismaDraftStore.load(team.promptId);
			expect(stored).not.toBeNull();
			const doc = new Y.Doc();
			Y.applyUpdate(doc, stored!.snapshot);
			for (const row of stored!.updates) {
				expect(() => Y.decodeUpdate(row.update)).not.toThrow();
				Y.applyUpdate(doc, row.update);
			}
			expect(doc.store.pendingStructs).toBeNull();
			expect(doc.store.pendingDs).toBeNull();
			expect([...doc.share.keys()].filter((root) => !Object.values(ROOTS).includes(root as never))).toEqual([]);
			expect(doc.getMap(ROOTS.meta).toJSON()).toEqual(metaBefore);
			expect(readDraft(doc).userPromptTemplate).toBe(alice.text());
			for (const marker of typed) expect(readDraft(doc).userPromptTemplate).toContain(marker);
			doc.destroy();
		}
		await studio.assertHealthy();
		studio.assertMemory('hostile yjs messages');
	}, 60_000);
});
