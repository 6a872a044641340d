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
			/** A heading in place of the status's own, when the page knows better ("Choose two versions to compare"). */
			title?: string;
			/** Where to go from here: the pages that answer what was asked, in the product's words. */
			links?: { href: string; label: string }[];
		}
		interface Locals {
			user: SessionUser | null;
			session: AuthSession | null;
		}
	}
}

export {};
