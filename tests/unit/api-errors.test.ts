// The prompt API's one error shape, and how a service's refusal maps onto its stable codes.
import { describe, expect, it } from 'vitest';
import { ApiError, errorResponse, fromServiceError } from '$lib/server/api/errors';
import { ServiceError } from '$lib/server/errors';

describe('API errors', () => {
	it('answer {error: {code, message, details?}} with the code’s status and any headers', async () => {
		const response = errorResponse(new ApiError('rate_limited', 'Slow down.', { retryAfterSeconds: 7 }, { 'retry-after': '7' }));
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('7');
		expect(await response.json()).toEqual({ error: { code: 'rate_limited', message: 'Slow down.', details: { retryAfterSeconds: 7 } } });
		expect(await errorResponse(new ApiError('not_found', 'Gone.')).json()).toEqual({ error: { code: 'not_found', message: 'Gone.' } });
	});

	it('map each service refusal to a code: 400 invalid_request (with its field), 403 forbidden, 404, 409, 429 with Retry-After', () => {
		expect(fromServiceError(new ServiceError(400, 'Bad.', 'name'))).toMatchObject({ code: 'invalid_request', details: { field: 'name' } });
		expect(fromServiceError(new ServiceError(403, 'No.')).code).toBe('forbidden');
		expect(fromServiceError(new ServiceError(404, 'Gone.')).code).toBe('not_found');
		expect(fromServiceError(new ServiceError(409, 'Taken.')).code).toBe('conflict');
		const limited = fromServiceError(new ServiceError(429, 'Wait.', undefined, 12));
		expect(limited).toMatchObject({ code: 'rate_limited', headers: { 'retry-after': '12' } });
	});
});
