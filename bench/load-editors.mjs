// The editors of the load bench, in a worker thread: lightweight y-websocket clients (a raw `ws`
// socket, y-protocols' sync framing, one Y.Doc each; no WebsocketProvider, so that a thousand of
// them cost the load generator little). Each edit appends a marker to the draft's template,
// `@<editor>.<n>.<µs>`, stamped on the machine's monotonic clock; every other editor of that prompt
// that applies it notes the delay. Every failure is counted: a socket that did not open or sync, a
// close the bench did not ask for, an edit some peer never received (main thread's sum).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;
const REMOTE = Symbol('remote');
const SYNC_TIMEOUT_MS = 60_000;
const CONNECT_BATCH = 50;

const micros = () => Number(process.hrtime.bigint() / 1000n);

const editors = [];
/** Receive delays in ms, of markers sent during the measured window. */
let latencies = [];
let measuring = { from: Infinity, to: Infinity };
const errors = { connect: [], closes: [], refused: 0 };
let sent = 0;
let sentBytes = 0;
/** This thread's event-loop delay during the window: a busy load generator delays what it measures. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function frame(write) {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
}

class Editor {
	constructor({ index, url, cookie }) {
		this.index = index;
		this.url = url;
		this.doc = new Y.Doc();
		this.text = this.doc.getText('template');
		this.edits = 0;
		this.awarenessClock = 0;
		this.closing = false;
		this.synced = false;
		this.socket = new WebSocket(url, cookie ? { headers: { cookie } } : {});
		this.socket.binaryType = 'nodebuffer';
		this.doc.on('update', (update, origin) => {
			if (origin === REMOTE) return;
			this.send(frame((e) => (encoding.writeVarUint(e, MESSAGE_SYNC), syncProtocol.writeUpdate(e, update))));
		});
		this.text.observe((event) => {
			if (event.transaction.origin !== REMOTE) return;
			const now = micros();
			for (const change of event.delta) {
				if (typeof change.insert !== 'string') continue;
				for (const match of change.insert.matchAll(/@\d+\.\d+\.(\d+)/g)) {
					const stamp = Number(match[1]);
					if (stamp >= measuring.from && stamp <= measuring.to) latencies.push((now - stamp) / 1000);
				}
			}
		});
		this.ready = new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`editor ${index} did not sync within ${SYNC_TIMEOUT_MS / 1000} s`)), SYNC_TIMEOUT_MS);
			this.resolveSynced = () => (clearTimeout(timer), resolve());
			this.socket.once('error', (error) => (clearTimeout(timer), reject(error)));
			this.socket.once('close', (code, reason) => (clearTimeout(timer), reject(new Error(`closed ${code} ${reason} before sync`))));
		});
		this.socket.on('open', () => {
			this.send(frame((e) => (encoding.writeVarUint(e, MESSAGE_SYNC), syncProtocol.writeSyncStep1(e, this.doc))));
			this.sendPresence();
		});
		this.socket.on('message', (data) => this.receive(data));
		this.socket.on('close', (code, reason) => {
			if (!this.closing && this.synced) errors.closes.push(`editor ${index}: ${code} ${String(reason)}`);
		});
		this.socket.on('error', () => {}); // counted through close or the ready promise
	}

	send(bytes) {
		if (this.socket.readyState !== WebSocket.OPEN) return;
		sentBytes += bytes.length;
		this.socket.send(bytes);
	}

	/** A cursor, as an editor sends with every keystroke (y-protocols' awareness update, one entry). */
	sendPresence() {
		const state = JSON.stringify({ user: { name: `editor ${this.index}`, color: '#3b82f6' }, cursor: { index: this.text.length } });
		const update = frame((e) => {
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint(e, this.doc.clientID);
			encoding.writeVarUint(e, ++this.awarenessClock);
			encoding.writeVarString(e, state);
		});
		this.send(frame((e) => (encoding.writeVarUint(e, MESSAGE_AWARENESS), encoding.writeVarUint8Array(e, update))));
	}

	receive(data) {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const reply = encoding.createEncoder();
			encoding.writeVarUint(reply, MESSAGE_SYNC);
			const step = syncProtocol.readSyncMessage(decoder, reply, this.doc, REMOTE);
			if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply));
			if (step === syncProtocol.messageYjsSyncStep2 && !this.synced) {
				this.synced = true;
				this.resolveSynced();
			}
		} else if (type === MESSAGE_QUERY_AWARENESS) this.sendPresence();
		else if (type !== MESSAGE_AWARENESS) errors.refused++;
	}

	edit() {
		const marker = `@${this.index}.${++this.edits}.${micros()}`;
		this.text.insert(this.text.length, marker);
		sent++;
		this.sendPresence();
	}

	close() {
		this.closing = true;
		this.socket.close();
		this.doc.destroy();
	}
}

async function connect({ clients }) {
	let failed = 0;
	for (let start = 0; start < clients.length; start += CONNECT_BATCH) {
		const batch = clients.slice(start, start + CONNECT_BATCH).map((client) => new Editor(client));
		const results = await Promise.allSettled(batch.map((editor) => editor.ready));
		results.forEach((result, i) => {
			if (result.status === 'fulfilled') editors.push(batch[i]);
			else {
				failed++;
				errors.connect.push(result.reason.message);
				batch[i].close();
			}
		});
	}
	return { connected: editors.length, failed };
}

/**
 * Every editor edits every minGapMs..maxGapMs from `startAt` (µs, monotonic: the same instant in
 * every editors' thread) for `ms`; resolves when the last has.
 */
async function edit({ startAt, ms, minGapMs, maxGapMs }) {
	measuring = { from: startAt, to: startAt + ms * 1000 };
	latencies = [];
	sent = 0;
	const sentBefore = new Map(editors.map((editor) => [editor, editor.edits]));
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, (startAt - micros()) / 1000)));
	loopDelay.reset();
	loopDelay.enable();
	await Promise.all(
		editors.map(
			(editor) =>
				new Promise((resolve) => {
					const next = () => {
						if (micros() >= measuring.to) return resolve();
						editor.edit();
						setTimeout(next, minGapMs + Math.random() * (maxGapMs - minGapMs));
					};
					setTimeout(next, Math.random() * maxGapMs); // spread the first edits
				})
		)
	);
	return { perEditor: editors.map((editor) => ({ index: editor.index, edits: editor.edits - sentBefore.get(editor) })) };
}

function report() {
	loopDelay.disable();
	const loop = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
	return { latencies: Float64Array.from(latencies), sent, sentBytes, errors, loop, open: editors.filter((e) => e.socket.readyState === WebSocket.OPEN).length };
}

parentPort.on('message', async (message) => {
	try {
		if (message.type === 'connect') parentPort.postMessage({ type: 'connected', ...(await connect(message)) });
		else if (message.type === 'edit') parentPort.postMessage({ type: 'edited', ...(await edit(message)) });
		else if (message.type === 'report') parentPort.postMessage({ type: 'report', ...report() });
		else if (message.type === 'close') {
			for (const editor of editors.splice(0)) editor.close();
			parentPort.postMessage({ type: 'closed' });
		}
	} catch (error) {
		parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
	}
});
