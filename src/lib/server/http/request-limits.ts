// The bodies the app reads (forms, the API's JSON), bounded and checked before any route reads them,
// the same under Vite's dev server (no limit of its own) as under adapter-node (BODY_SIZE_LIMIT).
// A body over its limit is refused with 413, one whose text is not UTF-8 with 400: decoders would
// otherwise turn the bad bytes into U+FFFD and the route would store that as if it had been typed.
import type { RequestEvent } from '@sveltejs/kit';
import { API_JSON_BYTES, ApiError, errorResponse, isApiRequest } from '../api';

export const REQUEST_LIMITS = {
	/** Forms: adapter-node's own default BODY_SIZE_LIMIT (512K), so both say the same. */
	formBytes: 512 * 1024,
	/** The prompt API's JSON bodies: the API's own limit, which its jsonBody keeps too. */
	jsonBytes: API_JSON_BYTES
} as const;

type BodyKind = 'json' | 'urlencoded' | 'multipart' | 'text';

function bodyKind(contentType: string | null): BodyKind | null {
	const type = contentType?.split(';')[0]?.trim().toLowerCase();
	if (!type) return null;
	if (type === 'application/json' || type.endsWith('+json')) return 'json';
	if (type === 'application/x-www-form-urlencoded') return 'urlencoded';
	if (type === 'multipart/form-data') return 'multipart';
	if (type === 'text/plain') return 'text';
	return null;
}

class TooLarge extends Error {}

/**
 * A body past its limit is still read, and dropped, up to this much: answering before the upload
 * ends resets the connection, and the client sees a network error instead of our 413. Beyond it
 * (or declared beyond it) the answer comes at once, connection reset or not.
 */
const DRAIN_BYTES = 8 * 1024 * 1024;

/** The body's bytes, or TooLarge past `limit` (a chunked body says no length up front). */
async function readBounded(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
	const reader = body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > DRAIN_BYTES) await reader.cancel().catch(() => {});
		if (size > DRAIN_BYTES) throw new TooLarge();
		if (size <= limit) chunks.push(value);
	}
	if (size > limit) throw new TooLarge();
	return Buffer.concat(chunks);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether the text is UTF-8; for a URL-encoded form, each percent-encoded name and value too. A
 * multipart form is checked whole: the studio has no file inputs (one would need its parts apart).
 */
function isUtf8(bytes: Uint8Array, kind: BodyKind): boolean {
	let text: string;
	try {
		text = strictUtf8.decode(bytes);
	} catch {
		return false;
	}
	if (kind !== 'urlencoded') return true;
	try {
		// decodeURIComponent throws on %-sequences that are not UTF-8 (URLSearchParams would not).
		for (const part of text.split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
		return true;
	} catch {
		return false;
	}
}

function refusal(event: RequestEvent, status: 400 | 413, message: string): Response {
	// The prompt API's one error shape; its jsonBody answers an oversize body the same way.
	if (isApiRequest(event.url)) return errorResponse(new ApiError('invalid_request', message));
	return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** A response refusing the request's body, or null when its body may be read. */
export async function refuseUnreadableBody(event: RequestEvent): Promise<Response | null> {
	const { request } = event;
	if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return null;
	const kind = bodyKind(request.headers.get('content-type'));
	const limit = kind === 'json' ? REQUEST_LIMITS.jsonBytes : REQUEST_LIMITS.formBytes;
	const tooLarge = `The body is over ${limit / 1024} KiB.`;
	const declared = Number(request.headers.get('content-length'));
	if (declared > DRAIN_BYTES) return refusal(event, 413, tooLarge);
	// A body of another kind is the route's to read, unless it says it is over the limit (then drained).
	if (!kind && !(declared > limit)) return null;
	let bytes: Uint8Array;
	try {
		bytes = await readBounded(request.clone().body!, limit);
	} catch (error) {
		// adapter-node's BODY_SIZE_LIMIT, when set lower, ends the read with its own 413.
		if (error instanceof TooLarge || (error as { status?: number }).status === 413) return refusal(event, 413, tooLarge);
		throw error;
	}
	if (kind && !isUtf8(bytes, kind)) return refusal(event, 400, 'The body is not valid UTF-8.');
	return null;
}
