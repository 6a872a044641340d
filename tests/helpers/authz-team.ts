// The matrix's rows for joining a team and one's own account: invitation links (the link's page and
// accepting it; making and revoking links from the workspace's settings) and the account page's
// display name, sessions and API tokens. Each allowed attempt acts on something made for it: a link
// to a scratch workspace of the owner's, a throwaway account, a token of a workspace of its own.
import { createApiToken } from '$lib/server/api-tokens';
import { SESSION_COOKIE, createSession, generateSessionToken } from '$lib/server/auth';
import { createInvitation, createWorkspace, findMembership } from '$lib/server/workspaces';
import { newUser } from './people';
import { uniqueWorkspaceName } from './unique';
import type { Actor, AuthzFixture } from './authz-fixture';
import { every, member, signedIn, type Expectation } from './authz-matrix';
import type { HttpAttempt, HttpRow } from './authz-pages';

const post = (path: string, form: Record<string, string> = {}): HttpAttempt => ({ path, form });
const ws = (fx: AuthzFixture) => `/w/${fx.workspace.slug}`;
/** A link of the right shape that no invitation has. */
const UNKNOWN_LINK = '/invite/abcdefghijklmnopqrstuvwxyz234567';

/** A workspace of the fixture's owner that nobody else is in, and a working link to it. */
async function scratchInvitation(fx: AuthzFixture, role: 'editor' | 'viewer' = 'viewer'): Promise<{ token: string; workspaceId: string }> {
	const scratch = await createWorkspace(fx.people.owner.user.id, uniqueWorkspaceName('Invited'));
	const owner = { user: fx.people.owner.user, ...(await findMembership(fx.people.owner.user.id, scratch.slug))! };
	const { token } = await createInvitation(owner, { role, expiresInDays: 1, maxUses: 100 });
	return { token, workspaceId: scratch.id };
}

/** An account made for one attempt, signed in twice: the cookie of one session, the id of the other. */
async function accountWithTwoSessions(actor: Actor): Promise<{ cookie: string | null; otherSessionId: string }> {
	const user = await newUser('azdev');
	const [token, other] = [generateSessionToken(), generateSessionToken()];
	await createSession(token, user.id, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
	const { id } = await createSession(other, user.id, 'Mozilla/5.0 (iPhone) Version/18.0 Mobile Safari/604.1');
	return { cookie: actor === 'anonymous' ? null : `${SESSION_COOKIE}=${token}`, otherSessionId: id };
}

/** An account made for one attempt that owns a workspace with a token: its cookie and the token's id. */
async function ownerWithToken(actor: Actor): Promise<{ cookie: string | null; tokenId: string; workspaceId: string }> {
	const user = await newUser('aztok');
	const workspace = await createWorkspace(user.id, uniqueWorkspaceName('Tokens'));
	const owner = { user, ...(await findMembership(user.id, workspace.slug))! };
	const { row } = await createApiToken(owner, { name: 'Account token', scopes: ['read'], expiresInDays: 0 });
	const token = generateSessionToken();
	await createSession(token, user.id);
	return { cookie: actor === 'anonymous' ? null : `${SESSION_COOKIE}=${token}`, tokenId: row.id, workspaceId: workspace.id };
}

/** Everyone signed in gets `status`; the anonymous sign in first. */
const signedInRefused = (status: 404): Expectation => ({ ...every(status), anonymous: 'signin' });

export const TEAM_ROWS: HttpRow[] = [
	// ---- invitation links ---------------------------------------------------------------------------
	// The link's page is for anyone who has the link, signed in or not.
	{ surface: 'GET /invite/[token=invitation]', expect: every('ok'), attempt: async (fx) => ({ path: `/invite/${(await scratchInvitation(fx)).token}` }) },
	{ surface: 'GET /invite/[token=invitation]', variant: 'unknown link', expect: every('ok'), attempt: () => ({ path: UNKNOWN_LINK }) },
	{
		// Whoever holds a working link may join (members keep their role); each link leads to a scratch workspace.
		surface: 'POST /invite/[token=invitation]?/accept',
		expect: signedIn,
		attempt: async (fx) => {
			const { token, workspaceId } = await scratchInvitation(fx);
			return { ...post(`/invite/${token}?/accept`), workspaceIds: [workspaceId] };
		}
	},
	{ surface: 'POST /invite/[token=invitation]?/accept', variant: 'unknown link', expect: signedInRefused(404), attempt: () => post(`${UNKNOWN_LINK}?/accept`) },
	{ surface: 'POST /w/[workspace]/settings?/createInvitation', expect: member('owner'), attempt: (fx) => post(`${ws(fx)}/settings?/createInvitation`, { role: 'editor', expiresInDays: '1', maxUses: '1' }) },
	{
		surface: 'POST /w/[workspace]/settings?/revokeInvitation',
		expect: member('owner'),
		attempt: async (fx) => {
			const { invitation } = await createInvitation(fx.members.owner, { role: 'viewer', expiresInDays: 1, maxUses: 1 });
			return post(`${ws(fx)}/settings?/revokeInvitation`, { invitationId: invitation.id });
		}
	},

	// ---- one's own account ----------------------------------------------------------------------------
	{
		surface: 'POST /account?/displayName',
		expect: signedIn,
		attempt: async (_fx, actor) => {
			const { cookie } = await accountWithTwoSessions(actor);
			return { ...post('/account?/displayName', { displayName: 'Matrix Person' }), cookie };
		}
	},
	{
		surface: 'POST /account?/signOutSession',
		expect: signedIn,
		attempt: async (_fx, actor) => {
			const { cookie, otherSessionId } = await accountWithTwoSessions(actor);
			return { ...post('/account?/signOutSession', { sessionId: otherSessionId }), cookie };
		}
	},
	{
		// Another person's session is not one's own to end: not found, whoever asks.
		surface: 'POST /account?/signOutSession',
		variant: "another person's session",
		expect: signedInRefused(404),
		attempt: async () => post('/account?/signOutSession', { sessionId: (await accountWithTwoSessions('owner')).otherSessionId })
	},
	{
		surface: 'POST /account?/revokeToken',
		expect: signedIn,
		attempt: async (_fx, actor) => {
			const { cookie, tokenId, workspaceId } = await ownerWithToken(actor);
			return { ...post('/account?/revokeToken', { tokenId }), cookie, workspaceIds: [workspaceId] };
		}
	},
	{
		// A token of the fixture's workspace: only its owner may revoke it from their account page.
		surface: 'POST /account?/revokeToken',
		variant: "a token of the fixture's workspace",
		expect: { ...signedInRefused(404), owner: 'ok' },
		attempt: async (fx) => post('/account?/revokeToken', { tokenId: (await createApiToken(fx.members.owner, { name: 'Revocable', scopes: ['read'], expiresInDays: 0 })).row.id })
	}
];
