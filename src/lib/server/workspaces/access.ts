// Who may do what in a workspace. Every load and action asks these, on the server, each time:
// a layout's check alone would not re-run between child pages.
import { error } from '@sveltejs/kit';
import { roleAtLeast, type Capabilities, type Role } from '$lib/schemas/workspace';
import { prisma } from '../db';
import { requireUser } from '../auth';
import type { SessionUser } from '../auth';

export interface WorkspaceRef {
	id: string;
	slug: string;
	name: string;
}

export interface Member {
	user: SessionUser;
	workspace: WorkspaceRef;
	role: Role;
}

/** The member's view of a workspace; null when it does not exist or the user is not a member. */
export async function findMembership(userId: string, workspaceSlug: string): Promise<Omit<Member, 'user'> | null> {
	const db = await prisma();
	const row = await db.membership.findFirst({
		where: { userId, workspace: { slug: workspaceSlug } },
		select: { role: true, workspace: { select: { id: true, slug: true, name: true } } }
	});
	return row ? { role: row.role, workspace: row.workspace } : null;
}

/** A user's role in a workspace, by ids; null when they are not (or no longer) a member. */
export async function roleIn(workspaceId: string, userId: string): Promise<Role | null> {
	const db = await prisma();
	const row = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } });
	return row?.role ?? null;
}

/** The workspaces the user is an owner of, by name. */
export async function ownedWorkspaces(userId: string): Promise<WorkspaceRef[]> {
	const rows = await (await prisma()).membership.findMany({
		where: { userId, role: 'owner' },
		orderBy: { workspace: { name: 'asc' } },
		select: { workspace: { select: { id: true, slug: true, name: true } } }
	});
	return rows.map((row) => row.workspace);
}

/**
 * The signed-in member of the workspace in the URL. A non-member gets 404, as if the workspace did
 * not exist, so that workspace names do not leak.
 */
export async function requireMember(locals: App.Locals, url: URL, workspaceSlug: string): Promise<Member> {
	const user = requireUser(locals, url);
	const membership = await findMembership(user.id, workspaceSlug);
	if (!membership) error(404, 'Workspace not found.');
	return { user, ...membership };
}

/** 403 unless the member's role is at least `needed`. */
export function requireRole(member: Member, needed: Role): void {
	if (!roleAtLeast(member.role, needed)) {
		error(403, needed === 'owner' ? 'Only workspace owners can do that.' : 'Viewers cannot change this workspace.');
	}
}

/**
 * What the member may do: the one rule pages are sent (`can`) and the domains' own checks ask
 * (publishing's canPublish, versions' canChangeVersions, canManageMembers). Viewers read and watch;
 * editors also edit, run and publish; owners also manage the workspace.
 */
export function capabilities(member: Pick<Member, 'role'>): Capabilities {
	const editor = roleAtLeast(member.role, 'editor');
	return { edit: editor, run: editor, publish: editor, manage: roleAtLeast(member.role, 'owner') };
}
