// The viewers of bench/generation-bench.ts: real socket.io clients (websocket transport), each
// with its own viewer's session cookie, joined to one generation session. They live in this worker
// thread so that their parsing runs beside the studio's thread, as browsers on other machines would,
// not inside it. For every run they note when each viewer received seq 1 and its last token, and
// report once every viewer has the run's run:finished. Times are performance.timeOrigin +
// performance.now() of this thread (the main thread calibrates them to its own clock).
import { parentPort } from 'node:worker_threads';
import { io } from 'socket.io-client';

const JOIN_BATCH = 50;
const viewers = [];
/** executionId -> what each viewer saw of it. */
const runs = new Map();
let lastPresenceAt = 0;
/** Presence announcements received by all viewers since the last `add`, the entries they listed, and the JSON bytes per entry. */
let presence = { events: 0, entries: 0, bytesPerEntry: 0 };

const now = () => performance.timeOrigin + performance.now();

function runOf(executionId) {
	let run = runs.get(executionId);
	if (!run) {
		const n = viewers.length;
		run = { first: new Float64Array(n).fill(NaN), last: new Float64Array(n).fill(NaN), counts: new Uint32Array(n), gaps: 0, finished: 0 };
		runs.set(executionId, run);
	}
	return run;
}

function connectOne(url, path, cookie, sessionId, index) {
	return new Promise((resolve, reject) => {
		const socket = io(url, { path, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
		const timer = setTimeout(() => reject(new Error('a viewer did not join within 120 s')), 120_000);
		socket.on('run:tokens', ({ executionId, seq }) => {
			const at = now();
			const run = runOf(executionId);
			if (index >= run.counts.length) return; // joined after the run began: not counted
			if (seq === 1) run.first[index] = at;
			else if (run.counts[index] !== seq - 1) run.gaps++;
			run.last[index] = at;
			run.counts[index]++;
		});
		socket.on('run:finished', ({ run: { executionId } }) => {
			const run = runOf(executionId);
			if (index >= run.counts.length) return;
			if (++run.finished === run.counts.length) {
				runs.delete(executionId);
				parentPort.postMessage({ type: 'run', executionId, first: run.first, last: run.last, counts: run.counts, gaps: run.gaps });
			}
		});
		socket.on('session:presence', (payload) => {
			lastPresenceAt = now();
			presence.events++;
			presence.entries += payload.participants.length;
			if (presence.events % 1000 === 1 && payload.participants.length > 0) presence.bytesPerEntry = JSON.stringify(payload).length / payload.participants.length;
		});
		socket.once('connect_error', (error) => (clearTimeout(timer), reject(error)));
		socket.once('connect', () => {
			socket.emit('session:join', { sessionId }, (result) => {
				clearTimeout(timer);
				if (result?.ok) resolve(socket);
				else reject(new Error(`join refused: ${result?.error?.code}: ${result?.error?.message}`));
			});
		});
	});
}

async function add({ url, path, cookies, sessionId }) {
	presence = { events: 0, entries: 0, bytesPerEntry: 0 };
	for (let start = 0; start < cookies.length; start += JOIN_BATCH) {
		const batch = cookies.slice(start, start + JOIN_BATCH);
		const base = viewers.length;
		// Indexes are taken up front so that a run's arrays cover every viewer connected before it.
		const sockets = await Promise.all(batch.map((cookie, i) => connectOne(url, path, cookie, sessionId, base + i)));
		viewers.push(...sockets);
	}
	return viewers.length;
}

/** Waits until no presence announcement has arrived for `ms` (the crowd's joins have settled). */
async function quiet(ms) {
	lastPresenceAt = Math.max(lastPresenceAt, now());
	while (now() - lastPresenceAt < ms) await new Promise((resolve) => setTimeout(resolve, 50));
}

parentPort.on('message', async (message) => {
	try {
		if (message.type === 'ping') parentPort.postMessage({ type: 'pong', id: message.id, at: now() });
		else if (message.type === 'add') parentPort.postMessage({ type: 'added', total: await add(message) });
		else if (message.type === 'quiet') {
			await quiet(message.ms);
			parentPort.postMessage({ type: 'quiet', presence });
		} else if (message.type === 'close') {
			for (const socket of viewers.splice(0)) socket.disconnect();
			parentPort.postMessage({ type: 'closed' });
		}
	} catch (error) {
		parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
	}
});
