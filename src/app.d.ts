// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SessionUser, AuthSession } from '$lib/server/auth';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** Correlates the calm message a user sees with the one log line that has the details. */
			errorId?: string;
			/** The status the response really has when SvelteKit renders the page as a 500 (503: the database is out of reach). */
			status?: number;
		}
		interface Locals {
			user: SessionUser | null;
			session: AuthSession | null;
		}
	}
}

export {};
