// The prompt API's one error shape: `{ "error": { "code", "message", "details"? } }` with a stable
// code per kind of failure, so programs branch on the code, never on the wording.
import { json } from '@sveltejs/kit';
import { ServiceError } from '../errors';

export const API_ERROR_CODES = {
	unauthorized: 401,
	insufficient_scope: 403,
	forbidden: 403,
	not_found: 404,
	unknown_label: 404,
	invalid_request: 400,
	missing_variables: 400,
	conflict: 409,
	rate_limited: 429,
	internal: 500,
	/** The model has no endpoint and no stand-in can serve it. */
	model_unavailable: 503,
	/** PostgreSQL cannot be reached for now; try again shortly. */
	database_unreachable: 503
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Requests the prompt API answers, in its error shape even when no route ran (a refused body, an outage). */
export function isApiRequest(url: URL): boolean {
	return url.pathname.startsWith('/api/v1/');
}

export class ApiError extends Error {
	name = 'ApiError';
	constructor(
		readonly code: ApiErrorCode,
		message: string,
		readonly details?: Record<string, unknown>,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

export function errorResponse(error: ApiError): Response {
	return json(
		{ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
		{ status: API_ERROR_CODES[error.code], headers: error.headers }
	);
}

/** A service's expected refusal in the API's shape. */
export function fromServiceError(error: ServiceError): ApiError {
	const code: ApiErrorCode =
		error.status === 404 ? 'not_found' : error.status === 403 ? 'forbidden' : error.status === 409 ? 'conflict' : error.status === 429 ? 'rate_limited' : 'invalid_request';
	return new ApiError(code, error.message, error.field ? { field: error.field } : undefined, error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : {});
}
