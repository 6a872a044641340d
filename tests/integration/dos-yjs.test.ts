// One draft socket must not exhaust the studio. Against a studio process (the production build),
// one raw socket floods 4-byte sync step 1s (each asks for the whole draft), first reading what
// comes back and then never reading it, and another floods awareness updates with fresh client
// ids. Each is closed with its budget's code and a reason; meanwhile /api/health answers within
// HEALTH_MS, the studio's memory stays within a bound, and the editors around keep editing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as encoding from 'lib0/encoding';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres } from '../helpers/db';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam, type PromptTeam } from '../helpers/yjs-team';
import { HEALTH_MS, MiB, sleep, watchStudio, type Watch } from './dos-fixtures';

/** How much more memory the studio may hold at its peak during one attack than before it. */
const RSS_GROWTH_BOUND = 300 * MiB;
/** The longest one attack goes on when the server never closes its socket. */
const ATTACK_MS = 8_000;

let app: AppServer;
let team: PromptTeam;
let clients: TestClient[] = [];

beforeAll(async () => {
	[app, team] = await Promise.all([startAppServer(), newPromptTeam()]);
	// A ~48 kB draft (the template's limit is 50k characters): every step 1 asks for all of it.
	const writer = connectClient(app.yjsUrl, team.promptId, team.owner.cookie);
	clients.push(writer);
	await writer.synced();
	writer.type(Array.from({ length: 16_000 }, (_, i) => `a${i % 7}`).join(' '));
	const reader = connectClient(app.yjsUrl, team.promptId, team.editor.cookie);
	clients.push(reader);
	await reader.synced();
	await eventually(() => reader.text().length, (n) => n > 47_000);
}, 120_000);

afterAll(async () => {
	for (const client of clients) client.destroy();
	await app?.stop();
});

const frame = (write: (encoder: encoding.Encoder) => void) => {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
};

/** Sync step 1 with an empty state vector: "send me everything". */
const STEP1 = Uint8Array.from([0, 0, 1, 0]);

/** An awareness update of `count` entries, each a client id never seen, clock 1, state {}. */
function awarenessFlood(firstId: number, count: number): Uint8Array {
	return frame((e) => {
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint8Array(
			e,
			frame((a) => {
				encoding.writeVarUint(a, count);
				for (let i = 0; i < count; i++) {
					encoding.writeVarUint(a, firstId + i);
					encoding.writeVarUint(a, 1);
					encoding.writeVarString(a, '{}');
				}
			})
		);
	});
}

interface Attack {
	/** The close the server sent (null: the attack ran its course, or the server cut the socket). */
	close: { code: number; reason: string } | null;
	framesSent: number;
	bytesReceived: number;
	stoppedForMemory: boolean;
}

/**
 * One raw socket with the owner's cookie sends `next()` in batches every `everyMs` until the server
 * closes it, ATTACK_MS pass, or the studio grows past the bound (the attack is then stopped so the
 * machine survives the test: the assertion on memory fails). A socket that `reads: false` pauses at
 * once, as the recipe does: whatever the server sends piles up on the server's side.
 */
async function attack(watch: Watch, options: { reads: boolean; next: () => Uint8Array; batch: number; everyMs: number }): Promise<Attack> {
	const socket = new WebSocket(`${app.yjsUrl}/${team.promptId}`, { headers: { cookie: team.owner.cookie }, perMessageDeflate: false });
	const result: Attack = { close: null, framesSent: 0, bytesReceived: 0, stoppedForMemory: false };
	// The server's own sync step 1 comes once the socket is authorised: the attack starts then.
	const authorised = new Promise((resolve) => socket.once('message', resolve));
	socket.on('message', (data: Buffer) => (result.bytesReceived += data.length));
	const closed = new Promise<void>((resolve) =>
		socket.once('close', (code, reason) => {
			if (code !== 1006) result.close = { code, reason: reason.toString() };
			resolve();
		})
	);
	socket.on('error', () => undefined);
	await authorised;
	if (!options.reads) socket.pause();
	const deadline = Date.now() + ATTACK_MS;
	let open = true;
	void closed.then(() => (open = false));
	while (open && socket.readyState === socket.OPEN && Date.now() < deadline) {
		if (watch.growth() > RSS_GROWTH_BOUND) {
			result.stoppedForMemory = true;
			break;
		}
		for (let i = 0; i < options.batch && socket.readyState === socket.OPEN; i++, result.framesSent++) socket.send(options.next());
		await sleep(options.everyMs);
	}
	// A paused socket learns of its end only once it reads again: what the server left for it is bounded.
	socket.resume();
	if (open && socket.readyState === socket.OPEN) socket.terminate();
	await Promise.race([closed, sleep(10_000)]);
	return result;
}

async function stillEditing(marker: string): Promise<void> {
	const [a, b] = clients;
	a!.type(marker);
	await eventually(() => b!.text(), (text) => text.includes(marker), 15_000);
}

describe.runIf(hasPostgres())('one draft socket flooding the studio', () => {
	it('a flood of sync step 1s is closed with 4429 and a reason; health stays fast and memory bounded', async () => {
		const watch = watchStudio(app);
		const flood = await attack(watch, { reads: true, next: () => STEP1, batch: 50, everyMs: 5 });
		await sleep(2_000); // what it had sent must not keep the studio busy or growing after it left
		const seen = await watch.stop();
		console.info(`step 1 flood (reading): ${JSON.stringify(flood)}; health ${seen.healthChecks} checks (${seen.healthFailures} failed), slowest ${seen.slowestHealthMs} ms; RSS ${Math.round(seen.rssBefore / MiB)} → peak ${Math.round(seen.rssPeak / MiB)} MiB`);
		expect(flood.stoppedForMemory).toBe(false);
		expect(flood.close?.code).toBe(YJS_CLOSE.tooManyMessages);
		expect(flood.close?.reason).toMatch(/too many|too much/i);
		expect(seen.slowHealth, `health answers slower than ${HEALTH_MS} ms`).toEqual([]);
		expect(seen.healthFailures).toBe(0);
		expect(seen.rssPeak - seen.rssBefore).toBeLessThan(RSS_GROWTH_BOUND);
		await stillEditing('<after-step1-flood>');
	}, 60_000);

	it('a flood of sync step 1s from a socket that never reads is cut off; what piles up for it is bounded', async () => {
		const watch = watchStudio(app);
		const flood = await attack(watch, { reads: false, next: () => STEP1, batch: 50, everyMs: 5 });
		await sleep(2_000);
		const seen = await watch.stop();
		console.info(`step 1 flood (never reading): ${JSON.stringify(flood)}; health ${seen.healthChecks} checks (${seen.healthFailures} failed), slowest ${seen.slowestHealthMs} ms; RSS ${Math.round(seen.rssBefore / MiB)} → peak ${Math.round(seen.rssPeak / MiB)} MiB`);
		expect(flood.stoppedForMemory).toBe(false);
		// Cut off, with a budget's close frame if it got through before the cut.
		expect([YJS_CLOSE.tooManyMessages, 1008, null]).toContain(flood.close?.code ?? null);
		expect(flood.bytesReceived).toBeLessThan(64 * MiB);
		expect(seen.slowHealth, `health answers slower than ${HEALTH_MS} ms`).toEqual([]);
		expect(seen.healthFailures).toBe(0);
		expect(seen.rssPeak - seen.rssBefore).toBeLessThan(RSS_GROWTH_BOUND);
		await stillEditing('<after-paused-flood>');
	}, 60_000);

	it('a flood of awareness updates with fresh client ids is closed with a reason; health stays fast and memory bounded', async () => {
		const watch = watchStudio(app);
		let nextId = 1_000_000;
		const flood = await attack(watch, {
			reads: true,
			next: () => awarenessFlood((nextId += 100_000) - 100_000, 100_000),
			batch: 1,
			everyMs: 200
		});
		await sleep(2_000);
		const seen = await watch.stop();
		console.info(`awareness flood: ${JSON.stringify(flood)}; health ${seen.healthChecks} checks (${seen.healthFailures} failed), slowest ${seen.slowestHealthMs} ms; RSS ${Math.round(seen.rssBefore / MiB)} → peak ${Math.round(seen.rssPeak / MiB)} MiB`);
		expect(flood.stoppedForMemory).toBe(false);
		expect(flood.close?.code).toBe(YJS_CLOSE.tooLarge);
		expect(flood.close?.reason).toMatch(/presence|awareness/i);
		expect(seen.slowHealth, `health answers slower than ${HEALTH_MS} ms`).toEqual([]);
		expect(seen.healthFailures).toBe(0);
		expect(seen.rssPeak - seen.rssBefore).toBeLessThan(RSS_GROWTH_BOUND);
		// The editors around see no stranger's presence.
		const flooded = (id: number) => id >= 1_000_000 && id < nextId;
		expect([...clients[1]!.provider.awareness.getStates().keys()].filter(flooded)).toEqual([]);
		await stillEditing('<after-awareness-flood>');
	}, 60_000);
});
