// Every prompt API endpoint goes through apiHandler: the bearer token is checked (401), its scope
// (403), its rate (429 with Retry-After), then the endpoint runs; whatever it throws leaves as the
// one error shape (errors.ts), an unexpected failure as 500 with an id to find it in the log.
import type { RequestEvent } from '@sveltejs/kit';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { ApiScope } from '$lib/schemas/api-tokens';
import { authenticateApiToken, hasScope, type ApiCaller } from '../api-tokens';
import { config } from '../config';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNREACHABLE_MESSAGE, isDatabaseUnreachable } from '../db';
import { ServiceError } from '../errors';
import { logger } from '../logger';
import { sharedLimiter } from '../rate-limit';
import { ApiError, errorResponse, fromServiceError } from './errors';

let limiter: ReturnType<typeof sharedLimiter> | undefined;
const tokenLimiter = () => (limiter ??= sharedLimiter(['api', 'token'], config().API_REQUESTS_PER_MINUTE, 60));

async function callerOf(request: Request): Promise<ApiCaller> {
	const header = request.headers.get('authorization') ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
	const challenge = { 'www-authenticate': 'Bearer realm="CodeTuneStudio prompt API"' };
	if (!match) throw new ApiError('unauthorized', 'Send an API token: Authorization: Bearer cts_… (workspace settings → API tokens).', undefined, challenge);
	const caller = await authenticateApiToken(match[1]!);
	if (!caller) throw new ApiError('unauthorized', 'The API token is unknown, revoked or expired.', undefined, challenge);
	return caller;
}

async function countRequest(caller: ApiCaller): Promise<void> {
	try {
		await tokenLimiter().consume(caller.tokenId);
	} catch (rejection) {
		if (!(rejection instanceof RateLimiterRes)) throw rejection;
		const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
		throw new ApiError('rate_limited', `Too many requests with this token: try again in ${seconds} s.`, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
	}
}

/** The largest JSON body the prompt API reads (the request hook refuses a bigger one before any route runs). */
export const API_JSON_BYTES = 256 * 1024;

export function apiHandler<E extends RequestEvent>(scope: ApiScope, endpoint: (caller: ApiCaller, event: E) => Promise<Response>) {
	return async (event: E): Promise<Response> => {
		try {
			const caller = await callerOf(event.request);
			if (!hasScope(caller, scope)) throw new ApiError('insufficient_scope', `This token lacks the "${scope}" scope.`, { needed: scope, granted: caller.scopes });
			await countRequest(caller);
			return await endpoint(caller, event);
		} catch (error) {
			if (error instanceof ApiError) return errorResponse(error);
			if (error instanceof ServiceError) return errorResponse(fromServiceError(error));
			if (isDatabaseUnreachable(error)) {
				logger.warn({ err: error instanceof Error ? error.message : String(error), path: event.url.pathname }, 'the database is unreachable');
				return errorResponse(new ApiError('database_unreachable', DATABASE_UNREACHABLE_MESSAGE, undefined, { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) }));
			}
			const id = crypto.randomUUID();
			logger.error({ err: error, errorId: id, path: event.url.pathname }, 'prompt API request failed');
			return errorResponse(new ApiError('internal', `The request failed on the server (error id ${id}).`, { errorId: id }));
		}
	};
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body of a request, or invalid_request: over `maxBytes`, not UTF-8, or not JSON. Decoded
 * strictly whatever its content type says (the request hook checks only the types it knows): bad
 * bytes would otherwise become U+FFFD and be stored as if they had been sent.
 */
export async function jsonBody(request: Request, maxBytes: number = API_JSON_BYTES): Promise<unknown> {
	const bytes = new Uint8Array(await request.arrayBuffer());
	if (bytes.length > maxBytes) throw new ApiError('invalid_request', `The body is over ${maxBytes / 1024} KiB.`);
	let text: string;
	try {
		text = strictUtf8.decode(bytes);
	} catch {
		throw new ApiError('invalid_request', 'The body is not valid UTF-8.');
	}
	try {
		return JSON.parse(text);
	} catch {
		throw new ApiError('invalid_request', 'The body is not valid JSON.');
	}
}
