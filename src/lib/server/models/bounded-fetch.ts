// The fetch the gateway hands @huggingface/inference: it bounds what an endpoint can make the studio
// read. The library buffers one server-sent event line until its newline and reads error bodies
// whole, so a garbage endpoint (one enormous line, an endless page) would fill memory; here the body
// is cut off past a line or a total size, and a 2xx that is not an event stream is refused before
// its body is read at all.

/** Longest line of an event stream: a token event is a few hundred bytes. */
export const MAX_EVENT_LINE_BYTES = 1024 * 1024;
/** Most bytes one response may carry (a long answer in OpenAI's chunk shape is a few MB). */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Of a 2xx that is not an event stream, how much is read to say what it was. */
const PEEK_BYTES = 4096;

/** The endpoint sent more than a bound allows; the response was cut off. */
export class OversizedResponseError extends Error {
	name = 'OversizedResponseError';
}

/** A 2xx answer that is not an event stream (a proxy's HTML page, a JSON error with 200). */
export class NotAnEventStreamError extends Error {
	name = 'NotAnEventStreamError';
	constructor(
		readonly contentType: string | null,
		/** The start of the body, as text. */
		readonly excerpt: string
	) {
		super(`answered with ${contentType ?? 'no content type'} instead of an event stream`);
	}
}

export interface ResponseLimits {
	maxLineBytes: number;
	maxBytes: number;
}

function bounded(body: ReadableStream<Uint8Array>, limits: ResponseLimits): ReadableStream<Uint8Array> {
	let total = 0;
	let lineBytes = 0;
	return body.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				total += chunk.byteLength;
				const lastBreak = Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13));
				lineBytes = lastBreak === -1 ? lineBytes + chunk.byteLength : chunk.byteLength - lastBreak - 1;
				if (total > limits.maxBytes) return controller.error(new OversizedResponseError(`sent more than ${limits.maxBytes / 1024 / 1024} MB in one answer`));
				// Bytes before the chunk's last break may hold a longer line too; checking whole chunks
				// bounds memory all the same (a chunk is at most a socket read).
				if (lineBytes > limits.maxLineBytes) return controller.error(new OversizedResponseError(`sent a line longer than ${limits.maxLineBytes / 1024} KB`));
				controller.enqueue(chunk);
			}
		})
	);
}

async function peek(body: ReadableStream<Uint8Array> | null): Promise<string> {
	if (!body) return '';
	const reader = body.getReader();
	const parts: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < PEEK_BYTES) {
			const { done, value } = await reader.read();
			if (done) break;
			parts.push(value);
			size += value.byteLength;
		}
	} finally {
		await reader.cancel().catch(() => {});
	}
	return Buffer.concat(parts).subarray(0, PEEK_BYTES).toString('utf8');
}

/** A fetch whose answers are bounded as described above; errors surface from fetch or from reading. */
export function boundedFetch(limits: ResponseLimits = { maxLineBytes: MAX_EVENT_LINE_BYTES, maxBytes: MAX_RESPONSE_BYTES }): typeof fetch {
	return async (input, init) => {
		const response = await fetch(input, init);
		const contentType = response.headers.get('content-type');
		if (response.ok && !contentType?.startsWith('text/event-stream')) {
			throw new NotAnEventStreamError(contentType, await peek(response.body));
		}
		if (!response.body) return response;
		return new Response(bounded(response.body, limits), { status: response.status, statusText: response.statusText, headers: response.headers });
	};
}
