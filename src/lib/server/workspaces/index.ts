// Workspaces, members, roles and invitation links: the public surface for routes and realtime/.
export { roleAtLeast, type Capabilities } from '$lib/schemas/workspace';
export { capabilities, findMembership, ownedWorkspaces, requireMember, requireRole, roleIn, type Member, type WorkspaceRef } from './access';
export {
	INVITATION_GONE,
	INVITATION_USED_BEFORE,
	MAX_LIVE_INVITATIONS,
	acceptInvitation,
	createInvitation,
	listInvitations,
	lookUpInvitation,
	revokeInvitation,
	type AcceptedInvitation,
	type InvitationRow,
	type InvitationView
} from './invitations';
export {
	addMember,
	canLeave,
	canManageMembers,
	changeRole,
	createWorkspace,
	leaveWorkspace,
	listMembers,
	listWorkspaces,
	removeMember,
	renameWorkspace,
	type MemberRow,
	type WorkspaceSummary
} from './workspaces';
