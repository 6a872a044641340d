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
