// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SessionUser, AuthSession } from '$lib/server/auth';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** Correlates the calm message a user sees with the one log line that has the details. */
			errorId?: string;
		}
		interface Locals {
			user: SessionUser | null;
			session: AuthSession | null;
		}
	}
}

export {};
