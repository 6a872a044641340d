// Guards for form actions: who may act, checked on the server for every request (a page's buttons
// are no permission). A member of the workspace in the address with at least the given role.
import type { Role } from '$lib/schemas/workspace';
import { requireMember, requireRole, type Member } from '../workspaces';

export interface WorkspaceEvent {
	request: Request;
	locals: App.Locals;
	url: URL;
	params: { workspace: string };
}

/** The asker as a member of the route's workspace with at least `role` (sign-in, 404 or 403 otherwise). */
export function workspaceMember(role: Role) {
	return async (event: WorkspaceEvent): Promise<Member> => {
		const member = await requireMember(event.locals, event.url, event.params.workspace);
		requireRole(member, role);
		return member;
	};
}
