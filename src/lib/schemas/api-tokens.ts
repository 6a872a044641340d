// The forms of API tokens (a workspace owner's settings): create with a name, scopes and an
// optional lifetime; revoke by id. Shared by the page and the server.
import { z } from 'zod';

export const API_SCOPES = ['read', 'run'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Lifetimes offered, in days; 0: never expires. */
export const TOKEN_LIFETIMES = [0, 30, 90, 365] as const;

const checked = z
	.literal('on')
	.optional()
	.transform((value) => value === 'on');

export const createApiTokenSchema = z
	.object({
		name: z.string({ error: 'Name the token.' }).trim().min(1, 'Name the token.').max(64, 'Use at most 64 characters.'),
		scopeRead: checked,
		scopeRun: checked,
		expiresInDays: z.coerce
			.number({ error: 'Choose a lifetime.' })
			.refine((days) => (TOKEN_LIFETIMES as readonly number[]).includes(days), 'Choose a lifetime.')
			.default(0)
	})
	.transform(({ name, scopeRead, scopeRun, expiresInDays }) => ({
		name,
		scopes: [...(scopeRead ? (['read'] as const) : []), ...(scopeRun ? (['run'] as const) : [])] as ApiScope[],
		expiresInDays
	}))
	.refine((token) => token.scopes.length > 0, { message: 'Choose at least one scope.', path: ['scopeRead'] });

export const revokeApiTokenSchema = z.object({ tokenId: z.uuid('Unknown token.') });
