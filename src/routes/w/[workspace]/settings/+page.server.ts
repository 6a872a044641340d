import { redirect } from '@sveltejs/kit';
import { addMemberSchema, changeRoleSchema, removeMemberSchema, renameWorkspaceSchema } from '$lib/schemas/workspace';
import { protectProductionSchema } from '$lib/schemas/versions';
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
	type Member
} from '$lib/server/workspaces';
import type { z } from 'zod';
import { formAction, toFailure, workspaceMember } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

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

/** Owners only; a member picked from the list and gone meanwhile is the form's message, not a 404. */
function ownerAction<S extends z.ZodType>(schema: S, change: (member: Member, data: z.infer<S>) => Promise<string>) {
	return formAction({ guard: workspaceMember('owner'), schema, missing: 'message', act: async (member, data) => ({ message: await change(member, data) }) });
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
