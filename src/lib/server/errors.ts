// Expected failures of a service (a rule said no), as opposed to bugs. Routes turn them into
// fail()/error() responses with toFailure / orHttpError; anything else is unexpected and logged.
import { error } from '@sveltejs/kit';
export type ServiceErrorStatus = 400 | 403 | 404 | 409 | 429;

export class ServiceError extends Error {
	constructor(
		readonly status: ServiceErrorStatus,
		message: string,
		/** The form field the message belongs to, when there is one. */
		readonly field?: string,
		readonly retryAfterSeconds?: number
	) {
		super(message);
		this.name = 'ServiceError';
	}
}

export const notFound = (what: string) => new ServiceError(404, `${what} was not found.`);
export const forbidden = (message = 'You do not have permission to do that.') => new ServiceError(403, message);
export const conflict = (message: string, field?: string) => new ServiceError(409, message, field);
export const invalid = (message: string, field?: string) => new ServiceError(400, message, field);

/** Awaits a service call in a load or action, turning its ServiceError into the HTTP error page. */
export async function orHttpError<T>(work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
}
