import { redirect } from '@sveltejs/kit';
import {
	addMemberSchema,
	changeRoleSchema,
	createInvitationSchema,
	removeMemberSchema,
	renameWorkspaceSchema,
	revokeInvitationSchema
} from '$lib/schemas/workspace';
import { protectProductionSchema } from '$lib/schemas/versions';
import { isProductionProtected, setProductionProtection } from '$lib/server/versions';
import {
	addMember,
	canLeave,
	capabilities,
	changeRole,
	createInvitation,
	leaveWorkspace,
	listInvitations,
	listMembers,
	removeMember,
	renameWorkspace,
	requireMember,
	revokeInvitation,
	type Member
} from '$lib/server/workspaces';
import type { z } from 'zod';
import { formAction, toFailure, workspaceMember } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const can = capabilities(member);
	const [members, protectProduction, invitations] = await Promise.all([
		listMembers(member.workspace.id),
		isProductionProtected(member.workspace.id),
		can.manage ? listInvitations(member) : Promise.resolve([])
	]);
	return {
		protectProduction,
		workspace: member.workspace,
		can: { ...can, leave: canLeave(member, members) },
		members: members.map((m) => ({ ...m, isYou: m.userId === member.user.id })),
		invitations: invitations.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() }))
	};
};

/** The address of an invitation link on this studio (its public origin, ORIGIN behind a proxy). */
const invitationLink = (url: URL, token: string) => `${url.origin}/invite/${token}`;

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
	createInvitation: formAction({
		guard: workspaceMember('owner'),
		schema: createInvitationSchema,
		act: async (member, input, { url }) => {
			const { token, invitation } = await createInvitation(member, input);
			// The one time the link is shown: only its secret's hash is stored.
			return {
				message: `Invitation link made: whoever opens it may join as ${invitation.role}. Copy it now; it is not shown again.`,
				invitation: { id: invitation.id, link: invitationLink(url, token), expiresAt: invitation.expiresAt.toISOString() }
			};
		}
	}),
	revokeInvitation: ownerAction(revokeInvitationSchema, async (member, { invitationId }) => {
		await revokeInvitation(member, invitationId);
		return 'Invitation link revoked: it lets nobody in from now on.';
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
