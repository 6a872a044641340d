// Invitation links, by their rules (through the workspaces service, on the real database) and as
// people use them (real forms against a running studio): only the secret's SHA-256 is stored; a
// link stops working once expired, revoked, used up, or when its creator is no longer an owner, and
// all of those get the same calm answer; a single-use link raced by two people lets exactly one in
// (a capped one, exactly its cap); accepting never lowers a member's role; only owners make and
// revoke links; looking links up is throttled per address; a new person signs up through a link
// and lands in the workspace with its role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { createInvitationSchema } from '$lib/schemas/workspace';
import { ServiceError } from '$lib/server/errors';
import {
	INVITATION_GONE,
	INVITATION_USED_BEFORE,
	acceptInvitation,
	addMember,
	changeRole,
	createInvitation,
	listInvitations,
	lookUpInvitation,
	MAX_LIVE_INVITATIONS,
	removeMember,
	revokeInvitation,
	roleIn,
	type Member
} from '$lib/server/workspaces';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { FormClient, signUpOverHttp, visibleText } from '../helpers/form-client';
import { memberOf, newUser, newWorkspace } from '../helpers/people';
import { TEST_PASSWORD, uniqueSlug, uniqueUsername } from '../helpers/unique';

/** Each test's guesses come from an address of its own: the budget is per address. */
let addressCounter = 0;
const freshAddress = () => `198.51.100.${++addressCounter}`;
const hash = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

async function gone(work: Promise<unknown>): Promise<string> {
	const error = await work.then(
		() => null,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(ServiceError);
	expect((error as ServiceError).status).toBe(404);
	return (error as ServiceError).message;
}

async function teamOf(base: string): Promise<{ owner: Member; slug: string }> {
	return newWorkspace(base);
}

describe('an invitation link, by its rules', () => {
	it('stores only the SHA-256 of its secret: no column holds the link', async () => {
		const { owner } = await teamOf('invhash');
		const { token, invitation } = await createInvitation(owner, { role: 'editor', expiresInDays: 7, maxUses: 1 });
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		const [row] = await (await prisma()).$queryRaw<{ row: string; token_hash: string }[]>`
			SELECT to_jsonb(t)::text AS row, token_hash FROM workspace_invitations t WHERE id = ${invitation.id}::uuid`;
		expect(row!.token_hash).toBe(hash(token));
		expect(row!.row).not.toContain(token);
	});

	it('shows where it leads, with which role and from whom; a signed-in asker sees what joining would do', async () => {
		const { owner } = await teamOf('invview');
		await (await prisma()).user.update({ where: { id: owner.user.id }, data: { displayName: 'Ada Owner' } });
		const { token } = await createInvitation(owner, { role: 'viewer', expiresInDays: 1, maxUses: 5 });
		const view = await lookUpInvitation(token, freshAddress(), null);
		expect(view).toMatchObject({ workspace: { name: owner.workspace.name, slug: owner.workspace.slug }, role: 'viewer', invitedBy: 'Ada Owner', yourRole: null, onAccept: 'joined' });
		expect(await lookUpInvitation(token, freshAddress(), owner.user)).toMatchObject({ yourRole: 'owner', onAccept: 'already' });
	});

	it('gives editors and viewers only: a link cannot make an owner', () => {
		expect(createInvitationSchema.safeParse({ role: 'owner', expiresInDays: '7', maxUses: '1' }).success).toBe(false);
		expect(createInvitationSchema.safeParse({ role: 'viewer', expiresInDays: '2', maxUses: '1' }).success).toBe(false);
		expect(createInvitationSchema.safeParse({ role: 'viewer', expiresInDays: '30', maxUses: '3' }).success).toBe(false);
		expect(createInvitationSchema.parse({ role: 'editor', expiresInDays: '30', maxUses: '25' })).toEqual({ role: 'editor', expiresInDays: 30, maxUses: 25 });
	});

	it('an expired link lets nobody in, and says so like any other unusable link', async () => {
		const { owner } = await teamOf('invexp');
		const { token, invitation } = await createInvitation(owner, { role: 'editor', expiresInDays: 1, maxUses: 5 });
		await (await prisma()).workspaceInvitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
		const person = await newUser('invexp');
		expect(await lookUpInvitation(token, freshAddress(), person)).toBeNull();
		expect(await gone(acceptInvitation(person, token, freshAddress()))).toBe(INVITATION_GONE);
		expect(await roleIn(owner.workspace.id, person.id)).toBeNull();
		expect(await listInvitations(owner)).toEqual([]);
	});

	it('a revoked link lets nobody in; revoking it again, or another workspace revoking it, is "not found"', async () => {
		const { owner } = await teamOf('invrev');
		const other = await teamOf('invrev2');
		const { token, invitation } = await createInvitation(owner, { role: 'viewer', expiresInDays: 7, maxUses: 10 });
		await gone(revokeInvitation(other.owner, invitation.id));
		await revokeInvitation(owner, invitation.id);
		await gone(revokeInvitation(owner, invitation.id));
		const person = await newUser('invrev');
		expect(await gone(acceptInvitation(person, token, freshAddress()))).toBe(INVITATION_GONE);
		expect(await roleIn(owner.workspace.id, person.id)).toBeNull();
	});

	it('an unknown or malformed link gets the same answer', async () => {
		const person = await newUser('invunk');
		expect(await gone(acceptInvitation(person, 'a'.repeat(32), freshAddress()))).toBe(INVITATION_GONE);
		expect(await gone(acceptInvitation(person, "'; drop table users; --", freshAddress()))).toBe(INVITATION_GONE);
		expect(await lookUpInvitation('x'.repeat(5000), freshAddress(), null)).toBeNull();
	});

	it('a single-use link accepted by two people at once lets exactly one of them in', async () => {
		const { owner } = await teamOf('invrace');
		const { token, invitation } = await createInvitation(owner, { role: 'editor', expiresInDays: 7, maxUses: 1 });
		const [first, second] = await Promise.all([newUser('invracea'), newUser('invraceb')]);
		const results = await Promise.allSettled([acceptInvitation(first, token, freshAddress()), acceptInvitation(second, token, freshAddress())]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect((refused.reason as ServiceError).message).toBe(INVITATION_GONE);
		const roles = await Promise.all([roleIn(owner.workspace.id, first.id), roleIn(owner.workspace.id, second.id)]);
		expect(roles.filter((role) => role === 'editor')).toHaveLength(1);
		expect(roles.filter((role) => role === null)).toHaveLength(1);
		const row = await (await prisma()).workspaceInvitation.findUniqueOrThrow({ where: { id: invitation.id } });
		expect(row.useCount).toBe(1);
		expect(await listInvitations(owner)).toEqual([]);
	});

	it('a link capped at 5 people, raced by 8, lets exactly 5 in', async () => {
		const { owner } = await teamOf('invcap');
		const { token, invitation } = await createInvitation(owner, { role: 'viewer', expiresInDays: 7, maxUses: 5 });
		const people = await Promise.all(Array.from({ length: 8 }, (_, i) => newUser(`invcap${i}`)));
		const results = await Promise.allSettled(people.map((person) => acceptInvitation(person, token, freshAddress())));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
		const members = await (await prisma()).membership.count({ where: { workspaceId: owner.workspace.id, userId: { in: people.map((p) => p.id) } } });
		expect(members).toBe(5);
		expect((await (await prisma()).workspaceInvitation.findUniqueOrThrow({ where: { id: invitation.id } })).useCount).toBe(5);
	});

	it('accepting never lowers a role: owners and editors keep theirs (no use counted), a viewer rises to an editor link', async () => {
		const { owner, slug } = await teamOf('invkeep');
		const [editorUser, viewerUser] = await Promise.all([newUser('invkeepe'), newUser('invkeepv')]);
		await addMember(owner, editorUser.username, 'editor');
		await addMember(owner, viewerUser.username, 'viewer');
		const viewerLink = await createInvitation(owner, { role: 'viewer', expiresInDays: 7, maxUses: 5 });
		expect(await acceptInvitation(owner.user, viewerLink.token, freshAddress())).toMatchObject({ role: 'owner', outcome: 'already' });
		expect(await acceptInvitation(editorUser, viewerLink.token, freshAddress())).toMatchObject({ role: 'editor', outcome: 'already' });
		expect(await roleIn(owner.workspace.id, owner.user.id)).toBe('owner');
		expect(await roleIn(owner.workspace.id, editorUser.id)).toBe('editor');
		expect((await listInvitations(owner))[0]).toMatchObject({ id: viewerLink.invitation.id, useCount: 0 });

		const editorLink = await createInvitation(owner, { role: 'editor', expiresInDays: 7, maxUses: 5 });
		expect(await acceptInvitation(viewerUser, editorLink.token, freshAddress())).toMatchObject({ role: 'editor', outcome: 'promoted', workspace: { slug } });
		expect(await roleIn(owner.workspace.id, viewerUser.id)).toBe('editor');
	});

	it('lets each person in once: someone removed or demoted after joining cannot take the role back with the same link', async () => {
		const { owner, slug } = await teamOf('invonce');
		const [removed, demoted, risen] = await Promise.all([newUser('invoncer'), newUser('invonced'), newUser('invoncep')]);
		const link = await createInvitation(owner, { role: 'editor', expiresInDays: 7, maxUses: 10 });
		expect(await acceptInvitation(removed, link.token, freshAddress())).toMatchObject({ outcome: 'joined', role: 'editor' });
		expect(await acceptInvitation(demoted, link.token, freshAddress())).toMatchObject({ outcome: 'joined', role: 'editor' });
		await addMember(owner, risen.username, 'viewer');
		expect(await acceptInvitation(risen, link.token, freshAddress())).toMatchObject({ outcome: 'promoted', role: 'editor' });

		// The owner's later decisions: one removed, one demoted, one demoted after rising through the link.
		await removeMember(owner, removed.id);
		await changeRole(owner, demoted.id, 'viewer');
		await changeRole(owner, risen.id, 'viewer');
		for (const person of [removed, demoted, risen]) {
			const view = await lookUpInvitation(link.token, freshAddress(), person);
			expect(view?.onAccept).toBe('usedBefore');
			const refusal = await acceptInvitation(person, link.token, freshAddress()).then(
				() => null,
				(e: unknown) => e
			);
			expect(refusal).toBeInstanceOf(ServiceError);
			expect(refusal).toMatchObject({ status: 403, message: INVITATION_USED_BEFORE });
		}
		expect(await roleIn(owner.workspace.id, removed.id)).toBeNull();
		expect(await roleIn(owner.workspace.id, demoted.id)).toBe('viewer');
		expect(await roleIn(owner.workspace.id, risen.id)).toBe('viewer');
		// Refusals use nothing up; someone new still joins, and a member who kept the role is told "already".
		expect((await listInvitations(owner))[0]).toMatchObject({ id: link.invitation.id, useCount: 3 });
		const newcomer = await newUser('invoncen');
		expect(await acceptInvitation(newcomer, link.token, freshAddress())).toMatchObject({ outcome: 'joined', role: 'editor', workspace: { slug } });
		expect(await acceptInvitation(newcomer, link.token, freshAddress())).toMatchObject({ outcome: 'already', role: 'editor' });
	});

	it('stops working when its creator is no longer an owner, and works again if they are one again', async () => {
		const { owner, slug } = await teamOf('invcreator');
		const secondUser = await newUser('invcreator2');
		await addMember(owner, secondUser.username, 'owner');
		const second = await memberOf(secondUser, slug);
		const { token } = await createInvitation(second, { role: 'viewer', expiresInDays: 7, maxUses: 5 });
		await changeRole(owner, secondUser.id, 'editor');
		const person = await newUser('invcreatorp');
		expect(await gone(acceptInvitation(person, token, freshAddress()))).toBe(INVITATION_GONE);
		await changeRole(owner, secondUser.id, 'owner');
		expect(await acceptInvitation(person, token, freshAddress())).toMatchObject({ outcome: 'joined', role: 'viewer' });
	});

	it('is made and revoked by owners only', async () => {
		const { owner, slug } = await teamOf('invowner');
		const editorUser = await newUser('invownere');
		await addMember(owner, editorUser.username, 'editor');
		const editor = await memberOf(editorUser, slug);
		const { invitation } = await createInvitation(owner, { role: 'viewer', expiresInDays: 1, maxUses: 1 });
		for (const attempt of [createInvitation(editor, { role: 'viewer', expiresInDays: 1, maxUses: 1 }), revokeInvitation(editor, invitation.id), listInvitations(editor)]) {
			await expect(attempt).rejects.toMatchObject({ status: 403 });
		}
		expect((await listInvitations(owner)).map((i) => i.id)).toEqual([invitation.id]);
	});

	it(`holds at most ${MAX_LIVE_INVITATIONS} working links per workspace`, async () => {
		const { owner } = await teamOf('invmany');
		for (let i = 0; i < MAX_LIVE_INVITATIONS; i++) await createInvitation(owner, { role: 'viewer', expiresInDays: 1, maxUses: 1 });
		await expect(createInvitation(owner, { role: 'viewer', expiresInDays: 1, maxUses: 1 })).rejects.toMatchObject({ status: 403 });
		await revokeInvitation(owner, (await listInvitations(owner))[0]!.id);
		await createInvitation(owner, { role: 'viewer', expiresInDays: 1, maxUses: 1 });
	});

	it('throttles guesses per address as sign-ins are: past the budget even a good link waits, elsewhere it works', async () => {
		const { owner } = await teamOf('invguess');
		const { token } = await createInvitation(owner, { role: 'viewer', expiresInDays: 1, maxUses: 5 });
		const guesser = freshAddress();
		// Good links give their point back: looking one up over and over is no guessing.
		for (let i = 0; i < 30; i++) expect(await lookUpInvitation(token, guesser, null)).not.toBeNull();
		const budget = 20; // SIGNIN_MAX_FAILURES_PER_ADDRESS's default
		for (let i = 0; i < budget; i++) expect(await lookUpInvitation(`${'b'.repeat(31)}${'234567'[i % 6]}`, guesser, null)).toBeNull();
		const refusal = await lookUpInvitation(token, guesser, null).catch((e: unknown) => e);
		expect(refusal).toMatchObject({ status: 429 });
		expect((refusal as ServiceError).retryAfterSeconds).toBeGreaterThan(0);
		await expect(acceptInvitation(owner.user, token, guesser)).rejects.toMatchObject({ status: 429 });
		expect(await lookUpInvitation(token, freshAddress(), null)).not.toBeNull();
	});
});

describe.runIf(hasPostgres())('invitation links through the studio', () => {
	let app: AppServer;

	beforeAll(async () => {
		// Its own Redis prefix: the per-address budget of guesses is not shared with other files' studios.
		app = await startAppServer({ EMBEDDED_MODEL: 'off', REDIS_PREFIX: uniqueSlug('cts_inv') });
	}, 120_000);
	afterAll(async () => {
		await app?.stop();
	});

	async function ownerOverHttp(base: string) {
		const owner = await signUpOverHttp(app.url, base);
		const created = await owner.client.post('/workspaces?/create', { name: `Invited team ${uniqueSlug('t')}` });
		expect(created.status).toBe(303);
		return { ...owner, workspacePath: created.location! };
	}

	async function createLink(client: FormClient, workspacePath: string, fields: Record<string, string>): Promise<string> {
		const response = await client.post(`${workspacePath}/settings?/createInvitation`, fields);
		expect(response.status).toBe(200);
		const link = /https?:\/\/[^\s"<]+\/invite\/[a-z2-7]{32}/.exec(response.html)?.[0];
		expect(link, visibleText(response.html).slice(0, 400)).toBeDefined();
		return new URL(link!).pathname;
	}

	it('an owner makes a link; a new person signs up through it, comes back and joins with its role', async () => {
		const owner = await ownerOverHttp('invhttp');
		const path = await createLink(owner.client, owner.workspacePath, { role: 'editor', expiresInDays: '7', maxUses: '1' });
		expect(path.startsWith('/invite/')).toBe(true);
		const settings = await owner.client.get(`${owner.workspacePath}/settings`);
		expect(visibleText(settings.html)).toContain('single use');
		// The link is shown once: the settings page does not hold it again.
		expect(settings.html).not.toContain(path);

		const visitor = new FormClient(app.url);
		const page = await visitor.get(path);
		expect(page.status).toBe(200);
		const text = visibleText(page.html);
		expect(text).toContain(`${owner.username} invited you`);
		expect(text).toContain('Editor');
		expect(page.html).toContain(`/signup?redirectTo=${encodeURIComponent(path)}`);
		expect(page.html).toContain(`/signin?redirectTo=${encodeURIComponent(path)}`);

		// Accepting signed out asks to sign in first, and comes back to the link.
		const anonymous = await visitor.post(`${path}?/accept`, {});
		expect(anonymous.status).toBe(303);
		expect(anonymous.location).toBe(`/signin?redirectTo=${encodeURIComponent(path)}`);

		const username = uniqueUsername('invnew');
		const signedUp = await visitor.post('/signup', { username, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD, redirectTo: path });
		expect(signedUp.status).toBe(303);
		expect(signedUp.location).toBe(path);
		const back = await visitor.get(path);
		expect(visibleText(back.html)).toContain('Join as an editor');
		const joined = await visitor.post(`${path}?/accept`, {});
		expect(joined.status).toBe(303);
		expect(joined.location).toBe(owner.workspacePath);
		const user = await (await prisma()).user.findUniqueOrThrow({ where: { usernameKey: username } });
		const workspace = await (await prisma()).workspace.findUniqueOrThrow({ where: { slug: owner.workspacePath.split('/').pop()! } });
		expect(await roleIn(workspace.id, user.id)).toBe('editor');
		expect((await visitor.get(owner.workspacePath)).status).toBe(200);

		// Used up: the next person gets the calm sentence, and nothing else about the workspace.
		const late = await signUpOverHttp(app.url, 'invlate');
		const latePage = await late.client.get(path);
		expect(visibleText(latePage.html)).toContain('This invitation link cannot be used');
		expect(latePage.html).not.toContain(workspace.name);
		const lateAccept = await late.client.post(`${path}?/accept`, {});
		expect(lateAccept.status).toBe(404);
		expect(await roleIn(workspace.id, late.id)).toBeNull();
	});

	it('a signed-in person signs in through the link and joins as a viewer with one click', async () => {
		const owner = await ownerOverHttp('invsign');
		const path = await createLink(owner.client, owner.workspacePath, { role: 'viewer', expiresInDays: '1', maxUses: '5' });
		const person = await newUser('invsignp');
		const client = new FormClient(app.url);
		const signedIn = await client.post('/signin', { username: person.username, password: TEST_PASSWORD, redirectTo: path });
		expect(signedIn.location).toBe(path);
		const joined = await client.post(`${path}?/accept`, {});
		expect(joined.location).toBe(owner.workspacePath);
		const workspace = await (await prisma()).workspace.findUniqueOrThrow({ where: { slug: owner.workspacePath.split('/').pop()! } });
		expect(await roleIn(workspace.id, person.id)).toBe('viewer');
		// Joined again: nothing changes, and the page says they are in already.
		expect(visibleText((await client.get(path)).html)).toContain('You are already a viewer in this workspace');

		// Removed by an owner: the same link does not let them back in, and the page says why.
		const ownerMember = await memberOf({ id: owner.id, username: owner.username, displayName: null, isSiteAdmin: false }, workspace.slug);
		await removeMember(ownerMember, person.id);
		const again = visibleText((await client.get(path)).html);
		expect(again).toContain(INVITATION_USED_BEFORE);
		expect(again).not.toContain('Join as a viewer');
		const refused = await client.post(`${path}?/accept`, {});
		expect(refused.status).toBe(403);
		expect(visibleText(refused.html)).toContain(INVITATION_USED_BEFORE);
		expect(await roleIn(workspace.id, person.id)).toBeNull();
	});

	it('a revoked link gets the same calm sentence as an unknown one; an editor may not make links (403), an outsider sees no workspace (404)', async () => {
		const owner = await ownerOverHttp('invrevh');
		const path = await createLink(owner.client, owner.workspacePath, { role: 'viewer', expiresInDays: '30', maxUses: '100' });
		const workspace = await (await prisma()).workspace.findUniqueOrThrow({ where: { slug: owner.workspacePath.split('/').pop()! } });
		const [invitation] = await (await prisma()).workspaceInvitation.findMany({ where: { workspaceId: workspace.id } });
		const revoked = await owner.client.post(`${owner.workspacePath}/settings?/revokeInvitation`, { invitationId: invitation!.id });
		expect(revoked.status).toBe(200);
		const visitor = new FormClient(app.url);
		for (const link of [path, '/invite/abcdefghijklmnopqrstuvwxyz234567']) {
			const page = await visitor.get(link);
			expect(page.status).toBe(200);
			expect(visibleText(page.html)).toContain(INVITATION_GONE);
			expect(page.html).not.toContain(workspace.name);
		}

		const editor = await signUpOverHttp(app.url, 'invedh');
		const ownerMember = await memberOf({ id: owner.id, username: owner.username, displayName: null, isSiteAdmin: false }, workspace.slug);
		await addMember(ownerMember, editor.username, 'editor');
		const refused = await editor.client.post(`${owner.workspacePath}/settings?/createInvitation`, { role: 'editor', expiresInDays: '7', maxUses: '1' });
		expect(refused.status).toBe(403);
		const outsider = await signUpOverHttp(app.url, 'invouth');
		expect((await outsider.client.post(`${owner.workspacePath}/settings?/createInvitation`, { role: 'editor', expiresInDays: '7', maxUses: '1' })).status).toBe(404);
		expect(await (await prisma()).workspaceInvitation.count({ where: { workspaceId: workspace.id } })).toBe(1);
	});
});
