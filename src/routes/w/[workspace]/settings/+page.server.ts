import { redirect } from '@sveltejs/kit';
import { addMemberSchema, changeRoleSchema, removeMemberSchema, renameWorkspaceSchema } from '$lib/schemas/workspace';
import { protectProductionSchema } from '$lib/schemas/versions';
import { parseForm, toFailure } from '$lib/server/forms';
import { isProductionProtected, setProductionProtection } from '$lib/server/versions';
import {
	addMember,
	canLeave,
	capabilities,
	changeRole,
	leaveWorkspace,
	listMembers,
	removeMember,
	renameWorkspace,
	requireMember,
	requireRole,
	type Member
} from '$lib/server/workspaces';
import type { z } from 'zod';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const [members, protectProduction] = await Promise.all([listMembers(member.workspace.id), isProductionProtected(member.workspace.id)]);
	return {
		protectProduction,
		workspace: member.workspace,
		can: { ...capabilities(member), leave: canLeave(member, members) },
		members: members.map((m) => ({ ...m, isYou: m.userId === member.user.id }))
	};
};

/**
 * An owner-only member action: checks the role, parses the form, runs the change, and answers
 * with a success message or the rule's refusal.
 */
function ownerAction<S extends z.ZodType>(schema: S, change: (member: Member, data: z.infer<S>) => Promise<string>) {
	return async ({ locals, url, params, request }: RequestEvent) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, schema);
		if (!form.ok) return form.failure;
		try {
			return { success: true, message: await change(member, form.data) };
		} catch (error) {
			return toFailure(error, form.values);
		}
	};
}

export const actions: Actions = {
	rename: ownerAction(renameWorkspaceSchema, async (member, { name }) => {
		await renameWorkspace(member, name);
		return 'Workspace renamed.';
	}),
	addMember: ownerAction(addMemberSchema, async (member, { username, role }) => {
		const added = await addMember(member, username, role);
		return `${added.username} joined as ${added.role}.`;
	}),
	changeRole: ownerAction(changeRoleSchema, async (member, { userId, role }) => {
		await changeRole(member, userId, role);
		return 'Role changed.';
	}),
	protectProduction: ownerAction(protectProductionSchema, async (member, { protectProduction }) => {
		await setProductionProtection(member, protectProduction);
		return protectProduction ? 'production is protected: it moves only to approved versions.' : 'production is no longer protected.';
	}),
	removeMember: ownerAction(removeMemberSchema, async (member, { userId }) => {
		await removeMember(member, userId);
		return 'Member removed.';
	}),
	leave: async ({ locals, url, params }) => {
		const member = await requireMember(locals, url, params.workspace);
		try {
			await leaveWorkspace(member);
		} catch (error) {
			return toFailure(error);
		}
		redirect(303, '/workspaces');
	}
};
