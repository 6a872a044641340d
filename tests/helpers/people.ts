// Builds the people and workspaces a test needs, with names no other test (or earlier run) uses.
import { signUp, type SessionUser } from '$lib/server/auth';
import { createWorkspace, findMembership, type Member } from '$lib/server/workspaces';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from './unique';

export function newUser(base = 'user'): Promise<SessionUser> {
	return signUp(uniqueUsername(base), TEST_PASSWORD);
}

/** The user's membership of a workspace, as requireMember would hand it to an action. */
export async function memberOf(user: SessionUser, workspaceSlug: string): Promise<Member> {
	const membership = await findMembership(user.id, workspaceSlug);
	if (!membership) throw new Error(`${user.username} is not a member of ${workspaceSlug}`);
	return { user, ...membership };
}

/** A workspace owned by a new user, plus that owner's membership. */
export async function newWorkspace(base = 'ws'): Promise<{ owner: Member; slug: string }> {
	const user = await newUser(`${base}owner`);
	const { slug } = await createWorkspace(user.id, uniqueWorkspaceName(base));
	return { owner: await memberOf(user, slug), slug };
}
