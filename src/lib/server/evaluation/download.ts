// Downloading a benchmark: only from the hosts a site admin allowed (EVALUATION_DATASET_HOSTS), a
// redirect followed only to another allowed host, the body read as a stream and cut off past a byte
// cap (never read whole first), every request under a deadline.
import { DatasetError } from './dataset-error';

export interface DownloadRules {
	/** host[:port], lower case, as `URL.host` spells it. */
	allowedHosts: string[];
	maxBytes: number;
	timeoutMs?: number;
}

const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 30_000;

/** Whether `url` is an http(s) URL on one of the allowed hosts. */
export function allowedUrl(url: URL, allowedHosts: string[]): boolean {
	return (url.protocol === 'https:' || url.protocol === 'http:') && allowedHosts.includes(url.host.toLowerCase());
}

/** Why a request got no answer, in a few words: fetch itself only says "fetch failed". */
function unreachableReason(error: unknown): string {
	if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time';
	const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
	const code = typeof cause?.code === 'string' ? cause.code : '';
	const reasons: Record<string, string> = {
		ENOTFOUND: 'no such host',
		EAI_AGAIN: 'its name could not be looked up',
		ECONNREFUSED: 'connection refused',
		ECONNRESET: 'connection reset',
		ETIMEDOUT: 'no answer in time',
		EHOSTUNREACH: 'host unreachable',
		ENETUNREACH: 'no network'
	};
	return reasons[code] ?? (code || (error instanceof Error ? error.message : String(error)));
}

/** The body at `address`, at most `rules.maxBytes` of it; redirects only to allowed hosts. */
export async function download(address: string, rules: DownloadRules): Promise<Buffer> {
	const signal = AbortSignal.timeout(rules.timeoutMs ?? TIMEOUT_MS);
	let url = new URL(address);
	for (let hops = 0; ; hops++) {
		if (!allowedUrl(url, rules.allowedHosts)) throw new DatasetError(`${url.host} is not a host benchmarks may be downloaded from.`);
		let response: Response;
		try {
			response = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'application/json, application/x-ndjson, application/gzip, */*' } });
		} catch (error) {
			throw new DatasetError(`${url.host} could not be reached (${unreachableReason(error)}).`, { cause: error });
		}
		if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
			await response.body?.cancel();
			if (hops >= MAX_REDIRECTS) throw new DatasetError(`${address} redirected more than ${MAX_REDIRECTS} times.`);
			url = new URL(response.headers.get('location')!, url);
			continue;
		}
		if (!response.ok) {
			await response.body?.cancel();
			throw new DatasetError(`${url.host} refused the download (HTTP ${response.status}).`);
		}
		return readCapped(response, rules.maxBytes, address);
	}
}

async function readCapped(response: Response, maxBytes: number, address: string): Promise<Buffer> {
	const tooLarge = () => new DatasetError(`${address} is over ${Math.round(maxBytes / 1024 / 1024)} MiB.`);
	const declared = Number(response.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) {
		await response.body?.cancel();
		throw tooLarge();
	}
	if (!response.body) return Buffer.alloc(0);
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await reader.read();
		} catch (error) {
			throw new DatasetError(`${address} could not be read (${error instanceof Error ? error.message : String(error)}).`);
		}
		if (chunk.done) break;
		size += chunk.value.byteLength;
		if (size > maxBytes) {
			await reader.cancel();
			throw tooLarge();
		}
		chunks.push(chunk.value);
	}
	return Buffer.concat(chunks, size);
}
