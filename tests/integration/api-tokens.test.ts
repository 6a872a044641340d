// API tokens of a workspace: only owners manage them; the token exists in the clear once; only its
// hash is stored; revoked, expired and unknown tokens are refused alike; last use is recorded.
// Then the owners' page over HTTP, as a browser with JavaScript off posts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokenSchema } from '$lib/schemas/api-tokens';
import { authenticateApiToken, createApiToken, hasScope, listApiTokens, revokeApiToken, TOKEN_PREFIX } from '$lib/server/api-tokens';
import { prisma } from '$lib/server/db';
import { ServiceError } from '$lib/server/errors';
import { addMember } from '$lib/server/workspaces';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { FormClient, visibleText, signUpOverHttp } from '../helpers/form-client';
import { memberOf, newUser, newWorkspace } from '../helpers/people';
import { uniqueWorkspaceName } from '../helpers/unique';

const refusal = (work: Promise<unknown>) => work.then(() => null, (e: unknown) => e);

describe('API tokens (service)', () => {
	it('an owner creates a token shown once: cts_ and 32 base32 characters; the row holds its SHA-256 and a display prefix', async () => {
		const { owner } = await newWorkspace('tok');
		const { token, row } = await createApiToken(owner, { name: 'CI', scopes: ['read', 'run'], expiresInDays: 0 });
		expect(token).toMatch(/^cts_[a-z2-7]{32}$/);
		expect(row).toMatchObject({ name: 'CI', scopes: ['read', 'run'], prefix: token.slice(0, 12), createdBy: owner.user.username, lastUsedAt: null, expiresAt: null });
		const db = await prisma();
		const stored = await db.apiToken.findUniqueOrThrow({ where: { id: row.id } });
		expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(stored)).not.toContain(token);
		expect(await listApiTokens(owner)).toEqual([expect.objectContaining({ id: row.id, name: 'CI' })]);
	});

	it('editors and viewers may neither create, list nor revoke tokens', async () => {
		const { owner, slug } = await newWorkspace('tok');
		const { row } = await createApiToken(owner, { name: 'Build', scopes: ['read'], expiresInDays: 30 });
		for (const role of ['editor', 'viewer'] as const) {
			const user = await newUser(role);
			await addMember(owner, user.username, role);
			const member = await memberOf(user, slug);
			for (const work of [createApiToken(member, { name: 'x', scopes: ['read'], expiresInDays: 0 }), listApiTokens(member), revokeApiToken(member, row.id)]) {
				const error = await refusal(work);
				expect(error).toBeInstanceOf(ServiceError);
				expect((error as ServiceError).status).toBe(403);
			}
		}
		expect(await listApiTokens(owner)).toHaveLength(1);
	});

	it('authenticates a live token with its workspace and scopes, and records its last use (at most once a minute)', async () => {
		const { owner } = await newWorkspace('tok');
		const { token, row } = await createApiToken(owner, { name: 'Reader', scopes: ['read'], expiresInDays: 90 });
		const caller = await authenticateApiToken(token);
		expect(caller).toEqual({ tokenId: row.id, workspaceId: owner.workspace.id, scopes: ['read'], createdById: owner.user.id });
		expect(hasScope(caller!, 'read')).toBe(true);
		expect(hasScope(caller!, 'run')).toBe(false);
		const [listed] = await listApiTokens(owner);
		expect(listed!.lastUsedAt).toBeInstanceOf(Date);
		await authenticateApiToken(token);
		const [again] = await listApiTokens(owner);
		expect(again!.lastUsedAt).toEqual(listed!.lastUsedAt);
		expect(listed!.expiresAt!.getTime() - row.createdAt.getTime()).toBeGreaterThan(89.9 * 86_400_000);
	});

	it('refuses alike an unknown, malformed, revoked or expired token', async () => {
		const { owner } = await newWorkspace('tok');
		const { token, row } = await createApiToken(owner, { name: 'Soon gone', scopes: ['run'], expiresInDays: 0 });
		const { token: expiring, row: expiringRow } = await createApiToken(owner, { name: 'Expiring', scopes: ['read'], expiresInDays: 30 });
		expect(await authenticateApiToken(`${TOKEN_PREFIX}${'a'.repeat(32)}`)).toBeNull();
		expect(await authenticateApiToken('not-a-token')).toBeNull();
		expect(await authenticateApiToken(`${TOKEN_PREFIX}${'a'.repeat(200)}`)).toBeNull();
		expect(await authenticateApiToken(token.toUpperCase())).toBeNull();
		await revokeApiToken(owner, row.id);
		expect(await authenticateApiToken(token)).toBeNull();
		expect(((await refusal(revokeApiToken(owner, row.id))) as ServiceError).status).toBe(404);
		const db = await prisma();
		await db.apiToken.update({ where: { id: expiringRow.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
		expect(await authenticateApiToken(expiring)).toBeNull();
	});

	it("an owner of another workspace cannot revoke this workspace's token", async () => {
		const first = await newWorkspace('tok');
		const second = await newWorkspace('tok');
		const { token, row } = await createApiToken(first.owner, { name: 'Mine', scopes: ['read'], expiresInDays: 0 });
		expect(((await refusal(revokeApiToken(second.owner, row.id))) as ServiceError).status).toBe(404);
		expect(await authenticateApiToken(token)).not.toBeNull();
	});

	it('the form needs a name, at least one scope and a lifetime it offers', () => {
		expect(createApiTokenSchema.safeParse({ name: ' CI ', scopeRead: 'on', expiresInDays: '90' }).data).toEqual({ name: 'CI', scopes: ['read'], expiresInDays: 90 });
		expect(createApiTokenSchema.safeParse({ name: 'CI', scopeRead: 'on', scopeRun: 'on' }).data).toEqual({ name: 'CI', scopes: ['read', 'run'], expiresInDays: 0 });
		const noScope = createApiTokenSchema.safeParse({ name: 'CI', expiresInDays: '30' });
		expect(noScope.error?.issues[0]).toMatchObject({ message: 'Choose at least one scope.', path: ['scopeRead'] });
		expect(createApiTokenSchema.safeParse({ name: '', scopeRead: 'on' }).error?.issues[0]?.message).toBe('Name the token.');
		expect(createApiTokenSchema.safeParse({ name: 'x'.repeat(65), scopeRead: 'on' }).success).toBe(false);
		expect(createApiTokenSchema.safeParse({ name: 'CI', scopeRead: 'on', expiresInDays: '7' }).error?.issues[0]?.message).toBe('Choose a lifetime.');
		expect(createApiTokenSchema.safeParse({ name: 'CI', scopeRead: 'yes' }).success).toBe(false);
	});
});

describe('the API tokens page over HTTP', () => {
	let app: AppServer;
	beforeAll(async () => {
		app = await startAppServer();
	}, 120_000);
	afterAll(() => app?.stop());

	const signedUp = (base: string) => signUpOverHttp(app.url, base);

	it('an owner creates a token (shown in that page only), sees it listed with its prefix, and revokes it; an editor gets 403', async () => {
		const owner = await signedUp('owner');
		const created = await owner.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Tokens') });
		const ws = created.location!;
		const editor = await signedUp('editor');
		expect((await owner.client.post(`${ws}/settings?/addMember`, { username: editor.username, role: 'editor' })).status).toBe(200);

		const made = await owner.client.post(`${ws}/settings/tokens?/create`, { name: 'Deploy bot', scopeRead: 'on', scopeRun: 'on', expiresInDays: '30' });
		expect(made.status).toBe(200);
		const token = /cts_[a-z2-7]{32}/.exec(made.html)?.[0];
		expect(token).toBeDefined();
		expect(visibleText(made.html)).toContain('Copy it now: it is not shown again.');
		const page = await owner.client.get(`${ws}/settings/tokens`);
		expect(page.status).toBe(200);
		expect(page.html).not.toContain(token);
		expect(visibleText(page.html)).toContain(`Deploy bot ${token!.slice(0, 12)}…`);
		expect(visibleText(page.html)).toContain('last used never');

		const bad = await owner.client.post(`${ws}/settings/tokens?/create`, { name: 'No scope', expiresInDays: '30' });
		expect(bad.status).toBe(400);
		expect(visibleText(bad.html)).toContain('Choose at least one scope.');

		expect((await editor.client.get(`${ws}/settings/tokens`)).status).toBe(403);
		expect((await editor.client.post(`${ws}/settings/tokens?/create`, { name: 'Sneaky', scopeRead: 'on', expiresInDays: '0' })).status).toBe(403);
		expect((await new FormClient(app.url).get(`${ws}/settings/tokens`)).status).toBe(303);

		const caller = await authenticateApiToken(token!);
		expect(caller?.scopes).toEqual(['read', 'run']);
		const revoked = await owner.client.post(`${ws}/settings/tokens?/revoke`, { tokenId: caller!.tokenId });
		expect(revoked.status).toBe(200);
		expect(visibleText(revoked.html)).toContain('Token revoked');
		expect(await authenticateApiToken(token!)).toBeNull();
	});
});
