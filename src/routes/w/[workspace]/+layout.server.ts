import { capabilities, requireMember } from '$lib/server/workspaces';
import type { LayoutServerLoad } from './$types';

// Navigation data only: every page and action below checks membership and role again itself, and
// each page load sends its own `can` (this load does not re-run between child pages).
export const load: LayoutServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	return { workspace: member.workspace, role: member.role, can: capabilities(member) };
};
