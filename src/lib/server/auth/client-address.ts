// The address a request comes from, for the per-address sign-in and sign-up limits. adapter-node
// reads it from ADDRESS_HEADER when one is configured (TRUST_PROXY=1 behind a proxy), else from the
// socket; a request without that header is counted by its socket address, never refused with a 500.
import type { IncomingMessage } from 'node:http';
import type { RequestEvent } from '@sveltejs/kit';
import { logger } from '../logger';

let warned = false;

export function clientAddress(event: Pick<RequestEvent, 'getClientAddress' | 'platform'>): string {
	try {
		const address = event.getClientAddress();
		if (address) return address;
	} catch (error) {
		// Said once: every direct request would say it again.
		if (!warned) {
			warned = true;
			logger.warn({ err: error }, 'a request lacks the configured client-address header; counting it by its socket address');
		}
	}
	const req = (event.platform as { req?: IncomingMessage } | undefined)?.req;
	return req?.socket?.remoteAddress ?? 'unknown';
}
