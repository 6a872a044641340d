// While PostgreSQL cannot be reached, every request that needed it answers 503 with one clear
// message instead of a generic 500: handleError recognises the failure and marks the request, and
// the handle wrapper gives the response its status (or answers itself when handle threw before any
// route ran, as validating a session cookie does). Nothing is cached: the next request tries again.
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { ApiError, errorResponse, isApiRequest } from '../api';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNREACHABLE_MESSAGE, isDatabaseUnreachable } from '../db';
import { logger } from '../logger';
import { withSecurityHeaders } from './security-headers';

/** Requests whose error was the database's absence, by their locals (the one object handle and handleError share). */
const unreachable = new WeakSet<object>();

function log(error: unknown, event: RequestEvent): void {
	logger.warn({ err: error instanceof Error ? error.message : String(error), method: event.request.method, path: event.url.pathname }, 'the database is unreachable');
}

/** For handleError: the calm message when the database could not be reached, else null. */
export function databaseUnreachableError(error: unknown, event: RequestEvent): App.Error | null {
	if (!isDatabaseUnreachable(error)) return null;
	unreachable.add(event.locals);
	log(error, event);
	return { message: DATABASE_UNREACHABLE_MESSAGE, status: 503 };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The answer when no route could run: the API's error shape, JSON, or a small page. */
function outageResponse(event: RequestEvent): Response {
	const headers = { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS), 'cache-control': 'no-store' };
	if (isApiRequest(event.url)) return errorResponse(new ApiError('database_unreachable', DATABASE_UNREACHABLE_MESSAGE, undefined, headers));
	if (!(event.request.headers.get('accept') ?? '').includes('text/html')) {
		return Response.json({ message: DATABASE_UNREACHABLE_MESSAGE }, { status: 503, headers });
	}
	const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unavailable · CodeTuneStudio</title></head><body><h1>The studio is unavailable for a moment</h1><p>${escapeHtml(DATABASE_UNREACHABLE_MESSAGE)}</p></body></html>`;
	return new Response(page, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * A start-up chore that tidies up after a stopped studio (ending abandoned runs or evaluations).
 * Vite's dev server runs init again after every reload, perhaps while the database is out of
 * reach; a failing init would then fail every request until the next reload, so the chore is
 * skipped with a warning instead (the first start did it). Any other failure still stops start-up.
 */
export async function unlessDatabaseUnreachable<T>(chore: string, work: Promise<T>, fallback: T): Promise<T> {
	try {
		return await work;
	} catch (error) {
		if (!isDatabaseUnreachable(error)) throw error;
		logger.warn({ err: error instanceof Error ? error.message : String(error) }, `the database is unreachable; skipped ${chore}`);
		return fallback;
	}
}

/** Wraps the app's handle so that a request the database's absence failed answers 503. */
export function withDatabaseOutage(handle: Handle): Handle {
	return async (input) => {
		const { event } = input;
		let response: Response;
		try {
			response = await handle(input);
		} catch (error) {
			if (!isDatabaseUnreachable(error)) throw error;
			log(error, event);
			return withSecurityHeaders(event, outageResponse(event));
		}
		if (response.status !== 500 || !unreachable.has(event.locals)) return response;
		const headers = new Headers(response.headers);
		headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
		return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers });
	};
}
