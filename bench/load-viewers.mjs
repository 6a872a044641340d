// The session viewers of the load bench, in a worker thread: real socket.io clients (websocket
// transport), each with its own viewer's session cookie, joined to one generation session. Every
// token's text is the moment the model endpoint wrote it (bench/load-model.mjs): each viewer notes
// receive time minus that. Counted as errors: a socket that did not connect or join, a disconnect
// the bench did not ask for, a refusal (session:error), a token out of order, a token never received.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { io } from 'socket.io-client';
import { stampsIn } from './load-model.mjs';

const JOIN_BATCH = 50;
const JOIN_TIMEOUT_MS = 120_000;

const micros = () => Number(process.hrtime.bigint() / 1000n);

/** { socket, sessionId, closing, counts: Map<executionId, { count, lastSeq }> } */
const viewers = [];
let latencies = [];
const errors = { connect: [], disconnects: [], refusals: [], outOfOrder: 0 };
/** This thread's event-loop delay from `reset` to `report`: a busy load generator delays what it measures. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function connectOne({ url, path, cookie, sessionId }) {
	return new Promise((resolve, reject) => {
		const viewer = { socket: null, sessionId, closing: false, joined: false, counts: new Map() };
		const socket = io(url, { path, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
		viewer.socket = socket;
		const timer = setTimeout(() => (socket.disconnect(), reject(new Error(`a viewer did not join within ${JOIN_TIMEOUT_MS / 1000} s`))), JOIN_TIMEOUT_MS);
		socket.on('run:tokens', ({ executionId, seq, text }) => {
			const now = micros();
			let seen = viewer.counts.get(executionId);
			if (!seen) viewer.counts.set(executionId, (seen = { count: 0, lastSeq: 0 }));
			if (seq !== seen.lastSeq + 1) errors.outOfOrder++;
			seen.lastSeq = seq;
			seen.count++;
			for (const stamp of stampsIn(text)) latencies.push((now - stamp) / 1000);
		});
		socket.on('session:error', (payload) => errors.refusals.push(`${payload?.code}: ${payload?.message}`));
		socket.on('disconnect', (reason) => {
			if (viewer.joined && !viewer.closing) errors.disconnects.push(reason);
		});
		socket.once('connect_error', (error) => (clearTimeout(timer), reject(error)));
		socket.once('connect', () => {
			socket.emit('session:join', { sessionId }, (result) => {
				clearTimeout(timer);
				if (!result?.ok) return socket.disconnect(), reject(new Error(`join refused: ${result?.error?.code}: ${result?.error?.message}`));
				viewer.joined = true;
				resolve(viewer);
			});
		});
	});
}

async function connect({ clients, path }) {
	let failed = 0;
	for (let start = 0; start < clients.length; start += JOIN_BATCH) {
		const results = await Promise.allSettled(clients.slice(start, start + JOIN_BATCH).map((client) => connectOne({ ...client, path })));
		for (const result of results) {
			if (result.status === 'fulfilled') viewers.push(result.value);
			else {
				failed++;
				errors.connect.push(result.reason?.message ?? String(result.reason));
			}
		}
	}
	return { connected: viewers.length, failed };
}

/** `runs`: every run the bench started, with its session and its last seq: what each viewer there should have. */
function report({ runs }) {
	let expected = 0;
	let received = 0;
	for (const run of runs) {
		for (const viewer of viewers) {
			if (viewer.sessionId !== run.sessionId) continue;
			expected += run.lastSeq;
			received += Math.min(run.lastSeq, viewer.counts.get(run.executionId)?.count ?? 0);
		}
	}
	const open = viewers.filter((viewer) => viewer.socket.connected).length;
	loopDelay.disable();
	const loop = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
	return { latencies: Float64Array.from(latencies), expected, received, errors, loop, open };
}

parentPort.on('message', async (message) => {
	try {
		if (message.type === 'connect') parentPort.postMessage({ type: 'connected', ...(await connect(message)) });
		else if (message.type === 'reset') {
			latencies = [];
			loopDelay.reset();
			loopDelay.enable();
			parentPort.postMessage({ type: 'reset' });
		} else if (message.type === 'report') parentPort.postMessage({ type: 'report', ...report(message) });
		else if (message.type === 'close') {
			for (const viewer of viewers.splice(0)) {
				viewer.closing = true;
				viewer.socket.disconnect();
			}
			parentPort.postMessage({ type: 'closed' });
		}
	} catch (error) {
		parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
	}
});
