// Workspaces, members and roles: the public surface for routes and realtime/.
export { roleAtLeast } from '$lib/schemas/workspace';
export { findMembership, requireMember, requireRole, roleIn, type Member, type WorkspaceRef } from './access';
export {
	addMember,
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
