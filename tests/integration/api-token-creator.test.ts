// An API token acts for the owner who created it: it is checked against its creator's membership
// on every use, so it stops working the moment they are removed, leave or lose the owner role, and
// works again if they become an owner again (the owners' page says so). Over HTTP, against a studio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/api-tokens';
import { addMember, changeRole, leaveWorkspace, removeMember } from '$lib/server/workspaces';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { memberOf, newUser, newWorkspace } from '../helpers/people';
import { cookieFor } from '../helpers/yjs-team';

let app: AppServer;

beforeAll(async () => {
	app = await startAppServer();
}, 60_000);
afterAll(async () => {
	await app?.stop();
});

/** A workspace with a second owner who has created a read token. */
async function secondOwnersToken() {
	const { owner, slug } = await newWorkspace('tokcreator');
	const creator = await newUser('tokmaker');
	await addMember(owner, creator.username, 'owner');
	const { token } = await createApiToken(await memberOf(creator, slug), { name: 'CI', scopes: ['read'], expiresInDays: 0 });
	return { owner, creator, slug, token };
}

async function listPrompts(token: string): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
	const response = await fetch(`${app.url}/api/v1/prompts`, { headers: { authorization: `Bearer ${token}` } });
	return { status: response.status, body: await response.json() };
}

const refusedForCreator = {
	status: 403,
	body: { error: { code: 'forbidden', message: "This token's creator is no longer an owner of its workspace, so the token no longer works: an owner can create a new one." } }
};

describe("an API token and its creator's membership", () => {
	it('is refused once its creator is removed from the workspace, and works again if they are added back as an owner', async () => {
		const { owner, creator, token } = await secondOwnersToken();
		expect((await listPrompts(token)).status).toBe(200);
		await removeMember(owner, creator.id);
		expect(await listPrompts(token)).toEqual(refusedForCreator);
		await addMember(owner, creator.username, 'owner');
		expect((await listPrompts(token)).status).toBe(200);
	});

	it('is refused while its creator is an editor or a viewer, and works again when they are an owner again', async () => {
		const { owner, creator, token } = await secondOwnersToken();
		for (const role of ['editor', 'viewer'] as const) {
			await changeRole(owner, creator.id, role);
			expect(await listPrompts(token)).toEqual(refusedForCreator);
		}
		await changeRole(owner, creator.id, 'owner');
		expect((await listPrompts(token)).status).toBe(200);
	});

	it('is refused once its creator leaves the workspace; the remaining owner’s own tokens still work', async () => {
		const { owner, creator, slug, token } = await secondOwnersToken();
		const { token: ownersToken } = await createApiToken(owner, { name: 'Owner CI', scopes: ['read'], expiresInDays: 0 });
		await leaveWorkspace(await memberOf(creator, slug));
		expect(await listPrompts(token)).toEqual(refusedForCreator);
		expect((await listPrompts(ownersToken)).status).toBe(200);
	});

	it('the API tokens page tells owners so', async () => {
		const { owner, slug } = await secondOwnersToken();
		const page = await fetch(`${app.url}/w/${slug}/settings/tokens`, { headers: { cookie: await cookieFor(owner.user), accept: 'text/html' }, redirect: 'manual' });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('A token works only while the person who created it is an owner of this workspace');
	});
});
