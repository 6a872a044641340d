// The account page (/account) through its real forms against a running studio: the display name
// (saved, refused when unreadable), the sessions signed in (each browser in words, this one marked,
// another signed out on its own; nobody else's), and the API tokens of the workspaces the person
// owns (listed across workspaces, revoked from here; nobody else's). "Last seen" is written at most
// every few minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/api-tokens';
import { createSession, generateSessionToken, validateSessionToken } from '$lib/server/auth';
import { LAST_SEEN_EVERY_MS, sessionIdFromToken } from '$lib/server/auth/session';
import { addMember, createWorkspace, findMembership, type Member } from '$lib/server/workspaces';
import type { SessionUser } from '$lib/server/auth';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { FormClient, visibleText } from '../helpers/form-client';
import { newUser } from '../helpers/people';
import { TEST_PASSWORD, uniqueWorkspaceName } from '../helpers/unique';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0';
const SAFARI_ON_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';

describe('when a session was last seen', () => {
	it('is written when the last write is older than a few minutes, and not on every request', async () => {
		const user = await newUser('seen');
		const token = generateSessionToken();
		await createSession(token, user.id, SAFARI_ON_IPHONE);
		const id = sessionIdFromToken(token);
		const db = await prisma();
		const lastSeen = async () => (await db.session.findUniqueOrThrow({ where: { id } })).lastSeenAt.getTime();
		const recently = new Date(Date.now() - 60_000);
		await db.session.update({ where: { id }, data: { lastSeenAt: recently } });
		await validateSessionToken(token);
		expect(await lastSeen()).toBe(recently.getTime());
		await db.session.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - LAST_SEEN_EVERY_MS - 1000) } });
		await validateSessionToken(token);
		expect(Date.now() - (await lastSeen())).toBeLessThan(LAST_SEEN_EVERY_MS);
		expect((await db.session.findUniqueOrThrow({ where: { id } })).userAgent).toBe(SAFARI_ON_IPHONE);
	});
});

describe.runIf(hasPostgres())('the account page', () => {
	let app: AppServer;

	beforeAll(async () => {
		app = await startAppServer({ EMBEDDED_MODEL: 'off' });
	}, 120_000);
	afterAll(async () => {
		await app?.stop();
	});

	async function signedIn(user: SessionUser, userAgent: string): Promise<FormClient> {
		const client = new FormClient(app.url, { 'user-agent': userAgent });
		const response = await client.post('/signin', { username: user.username, password: TEST_PASSWORD });
		expect(response.status).toBe(303);
		return client;
	}

	async function ownedWorkspace(user: SessionUser, name: string): Promise<Member> {
		const { slug } = await createWorkspace(user.id, uniqueWorkspaceName(name));
		return { user, ...(await findMembership(user.id, slug))! };
	}

	it('saves the display name others see, and refuses one with invisible characters without storing it', async () => {
		const user = await newUser('acctname');
		const client = await signedIn(user, FIREFOX_ON_WINDOWS);
		const saved = await client.post('/account?/displayName', { displayName: '  Ada   Lovelace ' });
		expect(saved.status).toBe(200);
		expect(visibleText(saved.html)).toContain('Others now see you as Ada Lovelace.');
		const refused = await client.post('/account?/displayName', { displayName: 'Ada\u202Eecalevol' });
		expect(refused.status).toBe(400);
		expect(visibleText(refused.html)).toContain('no invisible or control characters');
		expect((await (await prisma()).user.findUniqueOrThrow({ where: { id: user.id } })).displayName).toBe('Ada Lovelace');
		// The members list shows it beside the username.
		const team = await ownedWorkspace(user, 'Named');
		const settings = visibleText((await client.get(`/w/${team.workspace.slug}/settings`)).html);
		expect(settings).toContain(`Ada Lovelace @${user.username}`);
	});

	it('lists each browser signed in, marks this one, and signs out another on its own', async () => {
		const user = await newUser('acctsess');
		const here = await signedIn(user, FIREFOX_ON_WINDOWS);
		const phone = await signedIn(user, SAFARI_ON_IPHONE);
		const page = await here.get('/account');
		const text = visibleText(page.html);
		expect(text).toContain('Firefox on Windows This browser');
		expect(text).toContain('Safari on iPhone');
		expect(text).toContain('1 other session is signed in.');

		const sessions = await (await prisma()).session.findMany({ where: { userId: user.id } });
		const phoneSession = sessions.find((s) => s.userAgent === SAFARI_ON_IPHONE)!;
		const hereSession = sessions.find((s) => s.userAgent === FIREFOX_ON_WINDOWS)!;
		// This browser's own session is signed out from the menu, not from here.
		const own = await here.post('/account?/signOutSession', { sessionId: hereSession.id });
		expect(own.status).toBe(400);
		expect((await here.get('/account')).status).toBe(200);

		const ended = await here.post('/account?/signOutSession', { sessionId: phoneSession.id });
		expect(ended.status).toBe(200);
		expect(visibleText(ended.html)).toContain('That session is signed out.');
		const after = await phone.get('/account');
		expect(after.status).toBe(303);
		expect(after.location).toBe('/signin?redirectTo=%2Faccount');
		expect((await here.get('/account')).status).toBe(200);
		expect(visibleText((await here.get('/account')).html)).toContain('No other session is signed in.');
	});

	it("cannot sign out another person's session: it is not found, and goes on working", async () => {
		const [me, them] = await Promise.all([newUser('acctme'), newUser('acctthem')]);
		const mine = await signedIn(me, FIREFOX_ON_WINDOWS);
		const theirs = await signedIn(them, SAFARI_ON_IPHONE);
		const [theirSession] = await (await prisma()).session.findMany({ where: { userId: them.id } });
		const refused = await mine.post('/account?/signOutSession', { sessionId: theirSession!.id });
		expect(refused.status).toBe(404);
		expect((await theirs.get('/account')).status).toBe(200);
		expect((await mine.post('/account?/signOutSession', { sessionId: 'not-a-session' })).status).toBe(400);
	});

	it('lists the working tokens of every workspace the person owns, and revokes one so the API refuses it', async () => {
		const user = await newUser('accttok');
		const [first, second] = await Promise.all([ownedWorkspace(user, 'First'), ownedWorkspace(user, 'Second')]);
		const otherOwner = await newUser('accttoko');
		const elsewhere = await ownedWorkspace(otherOwner, 'Elsewhere');
		await addMember(elsewhere, user.username, 'editor');
		const kept = await createApiToken(first, { name: 'CI pipeline', scopes: ['read'], expiresInDays: 90 });
		const doomed = await createApiToken(second, { name: 'Nightly evals', scopes: ['read', 'run'], expiresInDays: 0 });
		const expired = await createApiToken(second, { name: 'Old expired token', scopes: ['read'], expiresInDays: 30 });
		await (await prisma()).apiToken.update({ where: { id: expired.row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
		const notMine = await createApiToken(elsewhere, { name: 'Not mine to see', scopes: ['read'], expiresInDays: 0 });

		const client = await signedIn(user, FIREFOX_ON_WINDOWS);
		const text = visibleText((await client.get('/account')).html);
		expect(text).toContain('CI pipeline');
		expect(text).toContain(first.workspace.name);
		expect(text).toContain('Nightly evals');
		expect(text).toContain(second.workspace.name);
		expect(text).not.toContain('Old expired token');
		expect(text).not.toContain('Not mine to see');

		const api = (token: string) => fetch(`${app.url}/api/v1/prompts`, { headers: { authorization: `Bearer ${token}` } });
		expect((await api(doomed.token)).status).toBe(200);
		const revoked = await client.post('/account?/revokeToken', { tokenId: doomed.row.id });
		expect(revoked.status).toBe(200);
		expect(visibleText(revoked.html)).toContain(`Token "Nightly evals" of ${second.workspace.name} revoked`);
		expect((await api(doomed.token)).status).toBe(401);
		expect(visibleText((await client.get('/account')).html)).not.toContain('Nightly evals');

		// Someone else's workspace's token: not found, and it goes on working.
		expect((await client.post('/account?/revokeToken', { tokenId: notMine.row.id })).status).toBe(404);
		expect((await api(notMine.token)).status).toBe(200);
		expect((await api(kept.token)).status).toBe(200);
	});
});
