// Invitation links: an owner makes a link that lets people join the workspace as an editor or a
// viewer, for 1, 7 or 30 days, once or up to a cap of uses, and may revoke it. Like a session or an
// API token, the link's secret is shown once and only its SHA-256 is stored. A link works only
// while its creator is still an owner of the workspace (it acts for them). Accepting one never
// lowers a member's role, and under a row lock, so that two people racing for a single-use link
// cannot both get in. Looking a link up is throttled per address, as sign-in guesses are.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { roleAtLeast, type InvitationRole, type Role } from '$lib/schemas/workspace';
import { prisma } from '../db';
import type { Prisma } from '../db';
import { ServiceError, forbidden, notFound } from '../errors';
import { emitEvent } from '../domain-events';
import { minutesToWait } from '../wait-words';
import { shownName, type SessionUser } from '../auth';
import type { Member, WorkspaceRef } from './access';
import { invitationGuessRight, takeInvitationGuess } from './invitation-guesses';

/** Live (usable) links a workspace may hold at once. */
export const MAX_LIVE_INVITATIONS = 20;
/** The secret is 20 random bytes in lower-case base32: 32 characters of a–z and 2–7. */
const TOKEN_SHAPE = /^[a-z2-7]{32}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One calm answer for every link that cannot be used, whatever the reason: a prober learns nothing. */
export const INVITATION_GONE =
	'This invitation link cannot be used. It may have expired, been revoked or used up, or been copied incompletely. Ask whoever sent it for a new one.';

export interface InvitationRow {
	id: string;
	role: InvitationRole;
	maxUses: number;
	useCount: number;
	/** Who made it (their display name, else username); null once their account is gone. */
	createdBy: string | null;
	createdAt: Date;
	expiresAt: Date;
}

/** What a link's page shows: where it leads, with what role, from whom; and the asker's role there now. */
export interface InvitationView {
	workspace: Pick<WorkspaceRef, 'name' | 'slug'>;
	role: InvitationRole;
	invitedBy: string;
	expiresAt: Date;
	/** The signed-in asker's role in the workspace today (null: not a member, or signed out). */
	yourRole: Role | null;
	/** What accepting would do for the asker: what acceptInvitation's outcome would be. */
	onAccept: AcceptedInvitation['outcome'];
}

export interface AcceptedInvitation {
	workspace: Pick<WorkspaceRef, 'name' | 'slug'>;
	role: Role;
	/**
	 * joined: a new member; promoted: an existing member's role rose to the link's; already: nothing
	 * changed; usedBefore: refused, this person came in (or rose) through this link once already.
	 */
	outcome: 'joined' | 'promoted' | 'already' | 'usedBefore';
}

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

function requireOwner(member: Member): void {
	if (member.role !== 'owner') throw forbidden('Only workspace owners manage invitation links.');
}

/** The rows that still let someone in: not revoked, not expired, not used up. */
function liveWhere(db: Awaited<ReturnType<typeof prisma>>, workspaceId: string): Prisma.WorkspaceInvitationWhereInput {
	return { workspaceId, revokedAt: null, expiresAt: { gt: new Date() }, useCount: { lt: db.workspaceInvitation.fields.maxUses } };
}

export async function listInvitations(member: Member): Promise<InvitationRow[]> {
	requireOwner(member);
	const db = await prisma();
	const rows = await db.workspaceInvitation.findMany({
		where: liveWhere(db, member.workspace.id),
		orderBy: { createdAt: 'desc' },
		select: { id: true, role: true, maxUses: true, useCount: true, createdAt: true, expiresAt: true, createdBy: { select: { username: true, displayName: true } } }
	});
	return rows.map(({ createdBy, role, ...row }) => ({ ...row, role: role as InvitationRole, createdBy: createdBy ? shownName(createdBy) : null }));
}

/** Makes a link; the returned `token` is the only time its secret exists in the clear. */
export async function createInvitation(
	member: Member,
	input: { role: InvitationRole; expiresInDays: number; maxUses: number }
): Promise<{ token: string; invitation: InvitationRow }> {
	requireOwner(member);
	const db = await prisma();
	const live = await db.workspaceInvitation.count({ where: liveWhere(db, member.workspace.id) });
	if (live >= MAX_LIVE_INVITATIONS) throw forbidden(`A workspace holds at most ${MAX_LIVE_INVITATIONS} working invitation links: revoke one first.`);
	const token = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
	const row = await db.workspaceInvitation.create({
		data: {
			workspaceId: member.workspace.id,
			tokenHash: hashToken(token),
			role: input.role,
			maxUses: input.maxUses,
			createdById: member.user.id,
			expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS)
		},
		select: { id: true, maxUses: true, useCount: true, createdAt: true, expiresAt: true }
	});
	return { token, invitation: { ...row, role: input.role, createdBy: shownName(member.user) } };
}

export async function revokeInvitation(member: Member, invitationId: string): Promise<void> {
	requireOwner(member);
	const db = await prisma();
	const { count } = await db.workspaceInvitation.updateMany({
		where: { id: invitationId, workspaceId: member.workspace.id, revokedAt: null },
		data: { revokedAt: new Date() }
	});
	if (count === 0) throw notFound('That invitation link');
}

type Db = Awaited<ReturnType<typeof prisma>> | Prisma.TransactionClient;

const invitationSelect = {
	id: true,
	workspaceId: true,
	role: true,
	maxUses: true,
	useCount: true,
	createdById: true,
	expiresAt: true,
	revokedAt: true,
	workspace: { select: { name: true, slug: true } },
	createdBy: { select: { username: true, displayName: true } }
} satisfies Prisma.WorkspaceInvitationSelect;

/**
 * Accepting never lowers a role: the same or a higher one stays, a lower one rises to the link's.
 * A link lets each person in once: whoever used it and has since been removed or given a lower
 * role (an owner's later decision) cannot take the role back with it.
 */
function outcomeFor(current: Role | null, invited: Role, usedBefore: boolean): AcceptedInvitation['outcome'] {
	if (current && roleAtLeast(current, invited)) return 'already';
	if (usedBefore) return 'usedBefore';
	return current ? 'promoted' : 'joined';
}

/** Whether this person already came in (or rose) through this invitation. */
async function hasUsed(db: Db, invitationId: string, userId: string): Promise<boolean> {
	const use = await db.workspaceInvitationUse.findUnique({ where: { invitationId_userId: { invitationId, userId } }, select: { usedAt: true } });
	return use !== null;
}

/** What a person who used a link before is told, on its page and if they accept anyway. */
export const INVITATION_USED_BEFORE =
	'You have joined through this link before, and a link lets each person in once. If you need access again, ask an owner of this workspace.';

/** The invitation behind a link's secret if it can still be used, else null. */
async function usableInvitation(db: Db, token: string) {
	const row = await db.workspaceInvitation.findUnique({ where: { tokenHash: hashToken(token) }, select: invitationSelect });
	if (!row || row.revokedAt || row.expiresAt <= new Date() || row.useCount >= row.maxUses || !row.createdById || !row.createdBy) return null;
	// The link acts for whoever made it: once they are no longer an owner here, it lets nobody in.
	const creator = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId: row.workspaceId, userId: row.createdById } }, select: { role: true } });
	return creator?.role === 'owner' ? { ...row, createdBy: row.createdBy } : null;
}

/**
 * Counts a look at a link against the address's budget (429 once it is spent), then finds the
 * invitation; a link that works gives the point back.
 */
async function guarded<T>(token: string, address: string, find: () => Promise<T | null>): Promise<T | null> {
	const gate = await takeInvitationGuess(address);
	if (!gate.allowed) {
		throw new ServiceError(429, `Too many invitation links tried from your network. Try again in ${minutesToWait(gate.retryAfterSeconds)}.`, undefined, gate.retryAfterSeconds);
	}
	if (!TOKEN_SHAPE.test(token)) return null;
	const found = await find();
	if (found) await invitationGuessRight(address);
	return found;
}

/** What the link's page shows, or null for a link that cannot be used. `address` is the client's. */
export async function lookUpInvitation(token: string, address: string, asker: SessionUser | null): Promise<InvitationView | null> {
	return guarded(token, address, async () => {
		const db = await prisma();
		const row = await usableInvitation(db, token);
		if (!row) return null;
		const membership = asker
			? await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId: row.workspaceId, userId: asker.id } }, select: { role: true } })
			: null;
		const yourRole = membership?.role ?? null;
		const usedBefore = asker ? await hasUsed(db, row.id, asker.id) : false;
		return {
			workspace: row.workspace,
			role: row.role as InvitationRole,
			invitedBy: shownName(row.createdBy),
			expiresAt: row.expiresAt,
			yourRole,
			onAccept: outcomeFor(yourRole, row.role, usedBefore)
		};
	});
}

/**
 * The signed-in user takes up the invitation: they join with its role, or, already a member, keep
 * their role when it is the same or higher and rise to the link's when it is higher. Only a join or
 * a rise counts as a use. Throws 404 (INVITATION_GONE) for a link that cannot be used.
 */
export async function acceptInvitation(user: SessionUser, token: string, address: string): Promise<AcceptedInvitation> {
	const db = await prisma();
	const accepted = await guarded(token, address, () =>
		db.$transaction(async (tx) => {
			// Accepts of one link wait for each other here: the checks below see every earlier use.
			const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM workspace_invitations WHERE token_hash = ${hashToken(token)} FOR UPDATE`;
			if (locked.length === 0) return null;
			const row = await usableInvitation(tx, token);
			if (!row) return null;
			const where = { workspaceId_userId: { workspaceId: row.workspaceId, userId: user.id } };
			const current = await tx.membership.findUnique({ where, select: { role: true } });
			const outcome = outcomeFor(current?.role ?? null, row.role, await hasUsed(tx, row.id, user.id));
			const accepted = { workspaceId: row.workspaceId, workspace: row.workspace, outcome };
			// Refused without a change; the link still counts as a good one for the address's budget.
			if (outcome === 'usedBefore') return { ...accepted, role: row.role };
			if (outcome === 'already') return { ...accepted, role: current!.role };
			if (outcome === 'promoted') await tx.membership.update({ where, data: { role: row.role } });
			else await tx.membership.create({ data: { workspaceId: row.workspaceId, userId: user.id, role: row.role } });
			await tx.workspaceInvitation.update({ where: { id: row.id }, data: { useCount: { increment: 1 }, lastUsedAt: new Date() } });
			await tx.workspaceInvitationUse.create({ data: { invitationId: row.id, userId: user.id } });
			return { ...accepted, role: row.role };
		})
	);
	if (!accepted) throw new ServiceError(404, INVITATION_GONE);
	if (accepted.outcome === 'usedBefore') throw new ServiceError(403, INVITATION_USED_BEFORE);
	// A member's open sockets (live drafts, sessions) take the higher role at once.
	if (accepted.outcome === 'promoted') emitEvent('membership.changed', { workspaceId: accepted.workspaceId, userId: user.id, role: accepted.role });
	return { workspace: accepted.workspace, role: accepted.role, outcome: accepted.outcome };
}
