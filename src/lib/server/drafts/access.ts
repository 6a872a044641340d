// Who may open a prompt's live draft, and how: a member of the prompt's workspace who may see the
// prompt (private prompts: their author and the owners, as prompts/visibleTo says) reads it;
// editors and owners also write. Realtime asks this for every socket and again on role changes.
import { roleAtLeast, type Role } from '$lib/schemas/workspace';
import { yjsDocNameSchema } from '$lib/realtime/yjs-protocol';
import { prisma } from '../db';

export interface DraftAccess {
	promptId: string;
	workspaceId: string;
	role: Role;
	canWrite: boolean;
}

/** The user's access to the prompt's draft, or null (no such prompt, not a member, or private). */
export async function draftAccess(userId: string, promptId: string): Promise<DraftAccess | null> {
	if (!yjsDocNameSchema.safeParse(promptId).success) return null;
	const db = await prisma();
	const prompt = await db.prompt.findUnique({
		where: { id: promptId },
		select: {
			workspaceId: true,
			visibility: true,
			createdById: true,
			workspace: { select: { memberships: { where: { userId }, select: { role: true } } } }
		}
	});
	const role = prompt?.workspace.memberships[0]?.role;
	if (!prompt || !role) return null;
	if (prompt.visibility === 'private' && role !== 'owner' && prompt.createdById !== userId) return null;
	return { promptId, workspaceId: prompt.workspaceId, role, canWrite: roleAtLeast(role, 'editor') };
}
