import { expect } from 'vitest';
import { ServiceError } from '$lib/server/errors';

/** Awaits work that a service rule must refuse, and hands back the refusal to inspect. */
export async function refusal(work: Promise<unknown>): Promise<ServiceError> {
	const error = await work.then(
		() => null,
		(e: unknown) => e
	);
	expect(error, 'the service should have refused').toBeInstanceOf(ServiceError);
	return error as ServiceError;
}
