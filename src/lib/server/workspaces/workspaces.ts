// Workspaces and their members. The rule that matters most: a workspace never loses its last
// owner (no leaving, demoting or removing them), checked under a row lock so that two owners
// stepping down at once cannot both succeed.
import type { Role } from '$lib/schemas/workspace';
import { slugify } from '$lib/schemas/prompt';
import { prisma } from '../db';
import type { Prisma } from '../db';
import { conflict, forbidden, invalid, notFound } from '../errors';
import { usernameKey } from '../auth';
import { emitEvent } from '../domain-events';
import { capabilities, type Member } from './access';
import { spendCreation } from '../creation-budget';

export interface WorkspaceSummary {
	id: string;
	slug: string;
	name: string;
	role: Role;
	memberCount: number;
	promptCount: number;
}

export interface MemberRow {
	userId: string;
	username: string;
	/** The name they chose to be shown by, when they chose one. */
	displayName: string | null;
	role: Role;
	joinedAt: string;
}

export async function listWorkspaces(userId: string): Promise<WorkspaceSummary[]> {
	const db = await prisma();
	const rows = await db.membership.findMany({
		where: { userId },
		orderBy: { workspace: { name: 'asc' } },
		select: {
			role: true,
			workspace: { select: { id: true, slug: true, name: true, _count: { select: { memberships: true, prompts: true } } } }
		}
	});
	return rows.map(({ role, workspace }) => ({
		id: workspace.id,
		slug: workspace.slug,
		name: workspace.name,
		role,
		memberCount: workspace._count.memberships,
		promptCount: workspace._count.prompts
	}));
}

async function freeWorkspaceSlug(tx: Prisma.TransactionClient, name: string): Promise<string> {
	const base = slugify(name).slice(0, 56);
	const taken = new Set(
		(await tx.workspace.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((w) => w.slug)
	);
	if (!taken.has(base)) return base;
	for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export async function createWorkspace(ownerId: string, name: string): Promise<{ id: string; slug: string }> {
	await spendCreation(ownerId, 'workspace');
	const db = await prisma();
	return db.$transaction(async (tx) => {
		const slug = await freeWorkspaceSlug(tx, name);
		const workspace = await tx.workspace.create({
			data: { name, slug, memberships: { create: { userId: ownerId, role: 'owner' } } },
			select: { id: true, slug: true }
		});
		return workspace;
	});
}

export async function renameWorkspace(member: Member, name: string): Promise<void> {
	if (member.role !== 'owner') throw forbidden('Only workspace owners can rename it.');
	await (await prisma()).workspace.update({ where: { id: member.workspace.id }, data: { name } });
}

export async function listMembers(workspaceId: string): Promise<MemberRow[]> {
	const rows = await (await prisma()).membership.findMany({
		where: { workspaceId },
		orderBy: [{ createdAt: 'asc' }],
		select: { role: true, createdAt: true, user: { select: { id: true, username: true, displayName: true } } }
	});
	return rows.map((row) => ({
		userId: row.user.id,
		username: row.user.username,
		displayName: row.user.displayName,
		role: row.role,
		joinedAt: row.createdAt.toISOString()
	}));
}

export async function addMember(member: Member, username: string, role: Role): Promise<MemberRow> {
	if (member.role !== 'owner') throw forbidden('Only workspace owners can add members.');
	const db = await prisma();
	const user = await db.user.findUnique({ where: { usernameKey: usernameKey(username) }, select: { id: true, username: true, displayName: true } });
	if (!user) throw invalid('No account has that username.', 'username');
	const existing = await db.membership.findUnique({
		where: { workspaceId_userId: { workspaceId: member.workspace.id, userId: user.id } }
	});
	if (existing) throw conflict(`${user.username} is already a member.`, 'username');
	const row = await db.membership.create({ data: { workspaceId: member.workspace.id, userId: user.id, role } });
	return { userId: user.id, username: user.username, displayName: user.displayName, role: row.role, joinedAt: row.createdAt.toISOString() };
}

/**
 * Runs `change` on a target membership with the workspace row locked, refusing any change that
 * would leave the workspace without an owner.
 */
async function changeMembership(
	workspaceId: string,
	targetUserId: string,
	nextRole: Role | null,
	lastOwnerMessage: string
): Promise<void> {
	const db = await prisma();
	await db.$transaction(async (tx) => {
		await tx.$queryRaw`SELECT id FROM workspaces WHERE id = ${workspaceId}::uuid FOR UPDATE`;
		const target = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId: targetUserId } } });
		if (!target) throw notFound('That member');
		const stepsDownAsOwner = target.role === 'owner' && nextRole !== 'owner';
		if (stepsDownAsOwner) {
			const owners = await tx.membership.count({ where: { workspaceId, role: 'owner' } });
			if (owners <= 1) throw conflict(lastOwnerMessage);
		}
		if (nextRole === null) {
			await tx.membership.delete({ where: { workspaceId_userId: { workspaceId, userId: targetUserId } } });
		} else {
			await tx.membership.update({ where: { workspaceId_userId: { workspaceId, userId: targetUserId } }, data: { role: nextRole } });
		}
	});
	// Open sockets (live drafts) take the new role, or close, at once.
	emitEvent('membership.changed', { workspaceId, userId: targetUserId, role: nextRole });
}

export async function changeRole(member: Member, targetUserId: string, role: Role): Promise<void> {
	if (member.role !== 'owner') throw forbidden('Only workspace owners can change roles.');
	await changeMembership(member.workspace.id, targetUserId, role, 'A workspace needs an owner: make someone else owner first.');
}

export async function removeMember(member: Member, targetUserId: string): Promise<void> {
	if (member.role !== 'owner') throw forbidden('Only workspace owners can remove members.');
	await changeMembership(member.workspace.id, targetUserId, null, 'The last owner cannot be removed.');
}

export async function leaveWorkspace(member: Member): Promise<void> {
	await changeMembership(
		member.workspace.id,
		member.user.id,
		null,
		'You are the last owner: make someone else owner before you leave.'
	);
}

export function canManageMembers(member: Member): boolean {
	return capabilities(member).manage;
}

/** Whether the member may leave: the last owner may not (leaveWorkspace refuses it too). */
export function canLeave(member: Member, members: Pick<MemberRow, 'role'>[]): boolean {
	return member.role !== 'owner' || members.filter((m) => m.role === 'owner').length > 1;
}
