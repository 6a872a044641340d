// The load bench's model endpoint: TGI's OpenAI-compatible streams (POST /v1/chat/completions and
// /v1/completions, `data: {chunk}` events ending with `data: [DONE]`), as tests/helpers/tgi-server.ts
// speaks them, except that each token's text is the moment it was written (`|<µs>` on the machine's
// monotonic clock, process.hrtime, which every process and thread here shares): a viewer that
// receives it knows how long the studio took to fan it out. tgi-server.ts fixes a response's
// tokens before streaming, so it cannot stamp them.
import { createServer } from 'node:http';

export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Every stamp in a token event's text (one per model token; the studio may join several). */
export function stampsIn(text) {
	const stamps = [];
	for (const match of text.matchAll(/\|(\d+)/g)) stamps.push(Number(match[1]));
	return stamps;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Streams `tokens` stamped tokens, `delayMs` apart, to every request. */
export async function startStampingModel({ tokens, delayMs }) {
	const stats = { requests: 0, tokensWritten: 0, clientClosed: 0 };
	const server = createServer(async (req, res) => {
		for await (const _ of req); // the body is not needed
		const path = (req.url ?? '').split('?')[0];
		const kind = path === '/v1/chat/completions' ? 'chat' : path === '/v1/completions' ? 'completions' : null;
		if (req.method !== 'POST' || !kind) {
			res.writeHead(404, { 'content-type': 'application/json' });
			return res.end(JSON.stringify({ error: `Not found: ${path}`, error_type: 'not_found' }));
		}
		stats.requests++;
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const base = { id: '', created: Math.floor(Date.now() / 1000), model: 'tgi', system_fingerprint: '3.0.0-native' };
		const event = (text, finish, usage = null) =>
			`data: ${JSON.stringify(
				kind === 'chat'
					? { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: text }, logprobs: null, finish_reason: finish }], usage }
					: { ...base, object: 'text_completion', choices: [{ index: 0, text, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}) }
			)}\n\n`;
		for (let i = 0; i < tokens; i++) {
			if (res.destroyed) return void stats.clientClosed++;
			if (i > 0 && delayMs > 0) await sleep(delayMs);
			res.write(event(`|${monotonicMicros()}`, null));
			stats.tokensWritten++;
		}
		res.write(event('', 'stop', { prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens }));
		res.end('data: [DONE]\n\n');
	});
	server.keepAliveTimeout = 60_000;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		stats,
		close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))
	};
}
