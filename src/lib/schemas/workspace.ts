import { z } from 'zod';
import { usernameSchema } from './account';

export const ROLES = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** Owners may do all an editor may; editors all a viewer may. */
export function roleAtLeast(role: Role, needed: Role): boolean {
	return RANK[role] >= RANK[needed];
}

/**
 * What a member may do in a workspace, as pages receive it (`data.can.edit`): the server's rule
 * (capabilities in $lib/server/workspaces) decides, pages only show or hide.
 */
export interface Capabilities {
	/** Change prompts, drafts, versions, labels, reviews and plugin settings. */
	edit: boolean;
	/** Start and cancel runs and evaluations. */
	run: boolean;
	/** Publish versions to the library and take them back. */
	publish: boolean;
	/** Manage members, tokens and the workspace's settings. */
	manage: boolean;
}

export const workspaceNameSchema = z
	.string({ error: 'Enter a name.' })
	.trim()
	.min(1, 'Enter a name.')
	.max(64, 'Use at most 64 characters.');

export const createWorkspaceSchema = z.object({ name: workspaceNameSchema });
export const renameWorkspaceSchema = z.object({ name: workspaceNameSchema });

export const roleSchema = z.enum(ROLES, { error: 'Choose owner, editor or viewer.' });

export const addMemberSchema = z.object({ username: usernameSchema, role: roleSchema });
export const changeRoleSchema = z.object({ userId: z.uuid('Unknown member.'), role: roleSchema });
export const removeMemberSchema = z.object({ userId: z.uuid('Unknown member.') });

// ---- invitation links -------------------------------------------------------------------------

/**
 * The roles an invitation link may give. Not owner: a link can be forwarded, and an owner may
 * remove the other owners; whoever joins by link can be made owner afterwards, by name.
 */
export const INVITATION_ROLES = ['editor', 'viewer'] as const;
export type InvitationRole = (typeof INVITATION_ROLES)[number];
/** How long a new link works, in days. */
export const INVITATION_LIFETIMES = ['1', '7', '30'] as const;
/** How many people one link may let in: one, or a capped number. */
export const INVITATION_USE_CAPS = ['1', '5', '10', '25', '100'] as const;

export const createInvitationSchema = z.object({
	role: z.enum(INVITATION_ROLES, { error: 'Choose editor or viewer.' }),
	expiresInDays: z.enum(INVITATION_LIFETIMES, { error: 'Choose 1, 7 or 30 days.' }).transform(Number),
	maxUses: z.enum(INVITATION_USE_CAPS, { error: 'Choose how many people may use the link.' }).transform(Number)
});
export const revokeInvitationSchema = z.object({ invitationId: z.uuid('Unknown invitation.') });
