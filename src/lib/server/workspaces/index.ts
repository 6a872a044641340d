// Workspaces, members and roles: the public surface for routes and realtime/.
export { roleAtLeast, type Capabilities } from '$lib/schemas/workspace';
export { capabilities, findMembership, requireMember, requireRole, roleIn, type Member, type WorkspaceRef } from './access';
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
