import { redirect } from '@sveltejs/kit';
import { addMemberSchema, changeRoleSchema, removeMemberSchema, renameWorkspaceSchema } from '$lib/schemas/workspace';
import { parseForm, toFailure } from '$lib/server/forms';
import {
	addMember,
	canManageMembers,
	changeRole,
	leaveWorkspace,
	listMembers,
	removeMember,
	renameWorkspace,
	requireMember,
	requireRole
} from '$lib/server/workspaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const members = await listMembers(member.workspace.id);
	return {
		workspace: member.workspace,
		role: member.role,
		canManage: canManageMembers(member),
		ownerCount: members.filter((m) => m.role === 'owner').length,
		members: members.map((m) => ({ ...m, isYou: m.userId === member.user.id }))
	};
};

export const actions: Actions = {
	rename: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, renameWorkspaceSchema);
		if (!form.ok) return form.failure;
		await renameWorkspace(member, form.data.name);
		return { success: true, message: 'Workspace renamed.' };
	},
	addMember: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, addMemberSchema);
		if (!form.ok) return form.failure;
		try {
			const added = await addMember(member, form.data.username, form.data.role);
			return { success: true, message: `${added.username} joined as ${added.role}.` };
		} catch (error) {
			return toFailure(error, form.values);
		}
	},
	changeRole: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, changeRoleSchema);
		if (!form.ok) return form.failure;
		try {
			await changeRole(member, form.data.userId, form.data.role);
			return { success: true, message: 'Role changed.' };
		} catch (error) {
			return toFailure(error, form.values);
		}
	},
	removeMember: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		requireRole(member, 'owner');
		const form = await parseForm(request, removeMemberSchema);
		if (!form.ok) return form.failure;
		try {
			await removeMember(member, form.data.userId);
			return { success: true, message: 'Member removed.' };
		} catch (error) {
			return toFailure(error, form.values);
		}
	},
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
