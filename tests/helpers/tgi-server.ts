// A local server that speaks Text Generation Inference's wire protocol, for tests (and for running the
// studio with no real model): the OpenAI-compatible streams TGI serves (POST /v1/chat/completions,
// POST /v1/completions: `data: {chunk}` events ending with `data: [DONE]`) and TGI's native
// POST /generate_stream (`data:{"token":…,"generated_text":null,…}` events, no [DONE], errors as
// `data:{"error":…,"error_type":…}`). Each test scripts what it answers (tokens, delays, a sleeping
// model's 503, a 4xx, an error event, a dropped connection, a malformed line) and reads back the
// requests it received, body included, to check what the real client sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TgiScript {
	/** Tokens streamed, in order. Default ['Hello', ',', ' world', '!']. */
	tokens?: string[];
	/** Answers each request from its body instead (a test that needs a different answer per prompt); undefined falls back to `tokens`. */
	respond?: (body: unknown) => string[] | undefined;
	/** Milliseconds between tokens. Default 0. */
	delayMs?: number;
	/** Milliseconds before the response headers. Default 0. */
	headerDelayMs?: number;
	finishReason?: string;
	/** The first `loadingFor` requests get 503 {"error":"Model is currently loading","estimated_time":…}. */
	loadingFor?: number;
	estimatedTime?: number;
	/** Every request (after loading) gets this status with {"error": message, "error_type": type}. */
	httpError?: { status: number; message: string; type?: string };
	/** After this many tokens, an error event {"error":…,"error_type":…} ends the stream. */
	errorEventAfter?: number;
	errorMessage?: string;
	/** After this many tokens the socket is destroyed (the endpoint died). */
	destroyAfter?: number;
	/** After this many tokens a line that is not JSON is sent. */
	malformedAfter?: number;
	/** Close the stream cleanly without a finish reason or [DONE] after this many tokens. */
	truncateAfter?: number;
	/** Include usage in the final OpenAI chunk. Default true. */
	usage?: boolean;
	/** Never answers: the connection is accepted and stays open with no headers (a hung endpoint). */
	hang?: boolean;
	/** Sends the event stream's headers, then nothing more, never ending. */
	silentAfterHeaders?: boolean;
	/** Streams `tokens` over and over, never finishing (with delayMs: a model that drips forever). */
	endless?: boolean;
	/** After `tokens` tokens, sends nothing more until `until` settles (or the client goes away): a test
	 * does what must happen mid-stream, then lets the rest come. */
	holdAfter?: { tokens: number; until: Promise<unknown> };
	/** Answers this instead of the protocol: any status, content type (null: none) and body; `repeat`
	 * is then written again and again until the client goes away (an endless page or line). */
	raw?: { status?: number; contentType?: string | null; body?: string | Buffer; repeat?: string };
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
	body: unknown;
	/** Tokens written before the response ended or the client went away. */
	tokensSent: number;
	/** The client closed the connection before the response was complete (an abort). */
	clientClosed: boolean;
	/** Resolves when the exchange is over, whichever way. */
	finished: Promise<void>;
	/** performance.now() when the request reached the handler (for benchmarks: the model server's own TTFT). */
	receivedAt: number;
	/** performance.now() right after the first and the last token were written; null until then. */
	firstTokenAt: number | null;
	lastTokenAt: number | null;
}

export interface TgiServer {
	url: string;
	requests: RecordedRequest[];
	/** Replaces the script for the requests that follow (and resets the loading count). */
	script(script: TgiScript): void;
	close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sendRaw(res: ServerResponse, raw: NonNullable<TgiScript['raw']>): Promise<void> {
	const contentType = raw.contentType === undefined ? 'text/event-stream' : raw.contentType;
	res.writeHead(raw.status ?? 200, contentType === null ? {} : { 'content-type': contentType });
	if (raw.body !== undefined) res.write(raw.body);
	if (raw.repeat === undefined) return void res.end();
	// As fast as the client reads it, until it goes away.
	while (!res.destroyed) {
		if (res.write(raw.repeat)) continue;
		await new Promise<void>((resolve) => {
			const go = () => {
				res.off('drain', go).off('close', go);
				resolve();
			};
			res.on('drain', go).on('close', go);
		});
	}
}

export async function startTgiServer(initial: TgiScript = {}, port = 0): Promise<TgiServer> {
	let current: TgiScript = initial;
	let served = 0;
	const requests: RecordedRequest[] = [];
	const sockets = new Set<import('node:net').Socket>();

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const receivedAt = performance.now();
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		let body: unknown = raw;
		try {
			body = JSON.parse(raw);
		} catch {
			/* kept as text */
		}
		let resolveFinished!: () => void;
		const record: RecordedRequest = {
			method: req.method ?? '',
			path: req.url ?? '',
			headers: req.headers,
			body,
			tokensSent: 0,
			clientClosed: false,
			finished: new Promise((resolve) => (resolveFinished = resolve)),
			receivedAt,
			firstTokenAt: null,
			lastTokenAt: null
		};
		requests.push(record);
		if (requests.length > 1000) requests.shift(); // a long-running server keeps the recent ones
		res.on('close', () => {
			if (!res.writableFinished) record.clientClosed = true;
			resolveFinished();
		});

		const script = current;
		const index = served++;
		const path = (req.url ?? '').split('?')[0];
		const kind = path === '/v1/chat/completions' ? 'chat' : path === '/v1/completions' ? 'completions' : path === '/generate_stream' ? 'native' : null;
		const json = (status: number, value: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(value));
		};
		if (req.method !== 'POST' || !kind) return json(404, { error: `Not found: ${req.method} ${path}`, error_type: 'not_found' });
		if (script.headerDelayMs) await sleep(script.headerDelayMs);
		if (script.hang) return;
		if (script.raw) return sendRaw(res, script.raw);
		if (index < (script.loadingFor ?? 0)) {
			return json(503, { error: 'Model is currently loading', error_type: 'loading', estimated_time: script.estimatedTime ?? 20 });
		}
		if (script.httpError) {
			const { status, message, type } = script.httpError;
			return json(status, { error: message, error_type: type ?? 'validation' });
		}
		const stream = (body as { stream?: unknown })?.stream;
		if (kind !== 'native' && stream !== true) return json(422, { error: 'This test server only streams', error_type: 'validation' });

		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		if (script.silentAfterHeaders) return res.flushHeaders();
		const tokens = script.respond?.(body) ?? script.tokens ?? ['Hello', ',', ' world', '!'];
		const finishReason = script.finishReason ?? (kind === 'native' ? 'eos_token' : 'stop');
		const created = Math.floor(Date.now() / 1000);
		const model = String((body as { model?: unknown })?.model ?? 'tgi');
		const base = { id: '', created, model, system_fingerprint: '3.0.0-native' };
		const send = (line: string) => !res.destroyed && res.write(line);
		const openAiEvent = (text: string, finish: string | null, usage?: unknown) =>
			`data: ${JSON.stringify(
				kind === 'chat'
					? { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: text }, logprobs: null, finish_reason: finish }], usage: usage ?? null }
					: { ...base, object: 'text_completion', choices: [{ index: 0, text, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}) }
			)}\n\n`;
		const nativeEvent = (i: number, text: string, final: boolean) =>
			`data:${JSON.stringify({
				index: i + 1,
				token: { id: 1000 + i, text, logprob: -0.25, special: false },
				generated_text: final ? tokens.join('') : null,
				details: final ? { finish_reason: finishReason === 'stop' ? 'eos_token' : finishReason, generated_tokens: tokens.length, seed: null } : null
			})}\n\n`;
		const errorEvent = () =>
			kind === 'native'
				? `data:${JSON.stringify({ error: script.errorMessage ?? 'Request failed during generation: Server error: CUDA out of memory', error_type: 'generation' })}\n\n`
				: `data: ${JSON.stringify({ error: { message: script.errorMessage ?? 'Request failed during generation: Server error: CUDA out of memory', http_status_code: 422 } })}\n\n`;

		const count = script.endless && tokens.length > 0 ? Infinity : tokens.length;
		for (let i = 0; i <= count; i++) {
			if (res.destroyed) return;
			if (i === script.errorEventAfter) {
				send(errorEvent());
				return res.end();
			}
			if (i === script.destroyAfter) {
				// Let what was written reach the client first, as from a server that dies mid-generation.
				await sleep(25);
				return res.socket?.destroy();
			}
			if (i === script.malformedAfter) {
				send('data: {"choices":[{"index":0,"delta":{"content":"oops"\n\n');
				return res.end();
			}
			if (i === script.truncateAfter) return res.end();
			if (i === count) break;
			if (i === script.holdAfter?.tokens) {
				const gone = new Promise<void>((resolve) => res.once('close', resolve));
				await Promise.race([script.holdAfter.until.catch(() => undefined), gone]);
				if (res.destroyed) return;
			}
			if (i > 0 && script.delayMs) await sleep(script.delayMs);
			if (res.destroyed) return;
			const last = i === count - 1;
			const token = tokens[i % tokens.length]!;
			send(kind === 'native' ? nativeEvent(i, token, last) : openAiEvent(token, null));
			record.tokensSent = i + 1;
			record.lastTokenAt = performance.now();
			record.firstTokenAt ??= record.lastTokenAt;
		}
		if (kind !== 'native') {
			const usage = script.usage === false ? undefined : { prompt_tokens: 12, completion_tokens: tokens.length, total_tokens: 12 + tokens.length };
			send(openAiEvent('', finishReason, usage));
			send('data: [DONE]\n\n');
		} else if (tokens.length === 0) {
			send(nativeEvent(0, '', true));
		}
		res.end();
	}

	const server: Server = createServer((req, res) => {
		handle(req, res).catch(() => res.destroy());
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const address = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		script(next) {
			current = next;
			served = 0;
			requests.length = 0;
		},
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}

// Run on its own (for a browser test or a studio with no real model):
//   TGI_PORT=8080 TGI_SCRIPT='{"tokens":["a","b"],"delayMs":50}' node tests/helpers/tgi-server.ts
if (import.meta.main) {
	const script = process.env.TGI_SCRIPT ? (JSON.parse(process.env.TGI_SCRIPT) as TgiScript) : {};
	const server = await startTgiServer(script, Number(process.env.TGI_PORT ?? 0));
	console.log(`TGI-protocol test server on ${server.url}`);
}
