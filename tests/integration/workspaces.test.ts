import { describe, expect, it } from 'vitest';
import {
	addMember,
	changeRole,
	createWorkspace,
	leaveWorkspace,
	listMembers,
	listWorkspaces,
	removeMember,
	renameWorkspace
} from '$lib/server/workspaces';
import { refusal } from '../helpers/refusal';
import { memberOf, newUser, newWorkspace } from '../helpers/people';


/** A workspace with one member of each role. */
async function team() {
	const { owner, slug } = await newWorkspace('team');
	const editorUser = await newUser('editor');
	const viewerUser = await newUser('viewer');
	await addMember(owner, editorUser.username, 'editor');
	await addMember(owner, viewerUser.username.toUpperCase(), 'viewer'); // usernames match in any case
	return { owner, slug, editor: await memberOf(editorUser, slug), viewer: await memberOf(viewerUser, slug) };
}

describe('workspaces', () => {
	it('makes the creator its owner and gives same-named workspaces distinct slugs', async () => {
		const user = await newUser('creator');
		const a = await createWorkspace(user.id, 'Security Team');
		const b = await createWorkspace(user.id, 'Security Team');
		expect(a.slug).not.toBe(b.slug);
		expect(a.slug.startsWith('security-team')).toBe(true);
		const mine = await listWorkspaces(user.id);
		expect(mine.filter((w) => w.name === 'Security Team').map((w) => w.role)).toEqual(['owner', 'owner']);
	});

	it('lets only owners rename, add, re-role and remove members', async () => {
		const { editor, viewer, owner } = await team();
		for (const actor of [editor, viewer]) {
			expect((await refusal(renameWorkspace(actor, 'x'))).status).toBe(403);
			expect((await refusal(addMember(actor, owner.user.username, 'viewer'))).status).toBe(403);
			expect((await refusal(changeRole(actor, viewer.user.id, 'owner'))).status).toBe(403);
			expect((await refusal(removeMember(actor, viewer.user.id))).status).toBe(403);
		}
		await renameWorkspace(owner, 'Renamed');
		expect((await memberOf(owner.user, owner.workspace.slug)).workspace.name).toBe('Renamed');
	});

	it('refuses unknown usernames and people who are already members', async () => {
		const { owner, editor } = await team();
		const unknown = await refusal(addMember(owner, 'nobody_by_this_name', 'viewer'));
		expect([unknown.status, unknown.field]).toEqual([400, 'username']);
		const twice = await refusal(addMember(owner, editor.user.username, 'viewer'));
		expect([twice.status, twice.field]).toEqual([409, 'username']);
	});

	it('never lets the last owner leave, be demoted or be removed', async () => {
		const { owner } = await team();
		expect((await refusal(leaveWorkspace(owner))).status).toBe(409);
		expect((await refusal(changeRole(owner, owner.user.id, 'editor'))).status).toBe(409);
		expect((await refusal(removeMember(owner, owner.user.id))).status).toBe(409);
		const roles = (await listMembers(owner.workspace.id)).map((m) => m.role).sort();
		expect(roles).toEqual(['editor', 'owner', 'viewer']);
	});

	it('lets an owner leave once someone else is owner too', async () => {
		const { owner, editor, slug } = await team();
		await changeRole(owner, editor.user.id, 'owner');
		await leaveWorkspace(owner);
		const members = await listMembers(owner.workspace.id);
		expect(members.find((m) => m.userId === owner.user.id)).toBeUndefined();
		expect((await memberOf(editor.user, slug)).role).toBe('owner');
	});

	it('lets exactly one of two owners leave when both try at once', async () => {
		const { owner, editor, slug } = await team();
		await changeRole(owner, editor.user.id, 'owner');
		const secondOwner = await memberOf(editor.user, slug);
		const results = await Promise.allSettled([leaveWorkspace(owner), leaveWorkspace(secondOwner)]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const owners = (await listMembers(owner.workspace.id)).filter((m) => m.role === 'owner');
		expect(owners).toHaveLength(1);
	});

	it('lets editors and viewers leave', async () => {
		const { editor, viewer, owner } = await team();
		await leaveWorkspace(editor);
		await leaveWorkspace(viewer);
		expect((await listMembers(owner.workspace.id)).map((m) => m.role)).toEqual(['owner']);
	});

	it('removes a member and changes roles', async () => {
		const { owner, editor, viewer, slug } = await team();
		await changeRole(owner, viewer.user.id, 'editor');
		expect((await memberOf(viewer.user, slug)).role).toBe('editor');
		await removeMember(owner, editor.user.id);
		await expect(memberOf(editor.user, slug)).rejects.toThrow(/not a member/);
	});
});
