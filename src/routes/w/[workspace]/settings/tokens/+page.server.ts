import { createApiTokenSchema, revokeApiTokenSchema } from '$lib/schemas/api-tokens';
import { createApiToken, listApiTokens, revokeApiToken } from '$lib/server/api-tokens';
import { orHttpError } from '$lib/server/errors';
import { requireMember, requireRole } from '$lib/server/workspaces';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

// Owners only: a viewer or editor gets 403, a non-member 404 (requireMember).
export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	requireRole(member, 'owner');
	const tokens = await orHttpError(listApiTokens(member));
	return {
		workspace: member.workspace,
		tokens: tokens.map((t) => ({
			...t,
			createdAt: t.createdAt.toISOString(),
			lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
			expiresAt: t.expiresAt?.toISOString() ?? null,
			revokedAt: t.revokedAt?.toISOString() ?? null
		}))
	};
};

export const actions: Actions = {
	create: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, createApiTokenSchema);
		if (!form.ok) return form.failure;
		try {
			const { token, row } = await createApiToken(member, form.data);
			// The one time the token is shown: it is in this response only, never stored in the clear.
			return { success: true, message: `Token "${row.name}" created. Copy it now: it is not shown again.`, token };
		} catch (error) {
			return toFailure(error, form.values);
		}
	},
	revoke: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, revokeApiTokenSchema);
		if (!form.ok) return form.failure;
		try {
			await revokeApiToken(member, form.data.tokenId);
			return { success: true, message: 'Token revoked: requests with it are refused from now on.' };
		} catch (error) {
			return toFailure(error, form.values);
		}
	}
};
