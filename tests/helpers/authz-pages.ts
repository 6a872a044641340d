// The matrix's HTTP rows for pages, form actions and the non-API endpoints: what each actor must get
// from every one of them, and the request that asks (built per actor: an action that may succeed
// acts on something made for that attempt, so one actor's success never changes another's answer).
import { createApiToken } from '$lib/server/api-tokens';
import { createSession, generateSessionToken, SESSION_COOKIE } from '$lib/server/auth';
import { addMember, createWorkspace } from '$lib/server/workspaces';
import { listStarters } from '$lib/server/prompts';
import { hidePrompt } from '$lib/server/publishing/moderation';
import { decideReview, proposeReview, setProductionProtection } from '$lib/server/versions';
import { prisma } from './db';
import { newUser } from './people';
import { TEST_PASSWORD, uniquePromptName, uniqueUsername, uniqueWorkspaceName } from './unique';
import { MATRIX_CONTENT, promptWith, setDraft, type Actor, type AuthzFixture, type PromptRef } from './authz-fixture';
import { anyone, every, member, signedIn, siteAdminOnly, type Expectation } from './authz-matrix';
import { TEAM_ROWS } from './authz-team';

export interface HttpAttempt {
	path: string;
	/** Posted URL-encoded (a form action); absent: a GET. */
	form?: Record<string, string>;
	/** Another cookie than the actor's own (null: none). */
	cookie?: string | null;
	/** Workspaces besides the fixture's that a refused attempt must leave as they were. */
	workspaceIds?: string[];
	/** Runs after the attempt, whatever it got (puts back what an allowed attempt changed). */
	after?: () => Promise<unknown>;
}

export interface HttpRow {
	/** The inventory's name for it: `GET <route>`, `POST <route>?/<action>`. */
	surface: string;
	/** Set on a further row of the same surface (another target, another rule). */
	variant?: string;
	expect: Expectation;
	attempt(fx: AuthzFixture, actor: Actor): HttpAttempt | Promise<HttpAttempt>;
	/** "Nothing more": text an actor's page must not hold, and, to show the check can bite, text another's does. */
	hidden?: { text: (fx: AuthzFixture) => string; from: Actor[]; shownTo: Actor[] };
}

const ws = (fx: AuthzFixture) => `/w/${fx.workspace.slug}`;
const at = (fx: AuthzFixture, prompt: Pick<PromptRef, 'slug'> = fx.shared) => `${ws(fx)}/prompts/${prompt.slug}`;
const inLibrary = (fx: AuthzFixture, prompt: Pick<PromptRef, 'slug'> = fx.shared) => `/library/${fx.workspace.slug}/${prompt.slug}`;
const owner = (fx: AuthzFixture) => fx.members.owner;

/** A prompt of the fixture's workspace made for one attempt. */
const freshPrompt = (fx: AuthzFixture, options: Parameters<typeof promptWith>[1] = {}) => promptWith(owner(fx), options);

/** A published prompt a site admin has hidden. */
async function hiddenPrompt(fx: AuthzFixture): Promise<PromptRef> {
	const prompt = await freshPrompt(fx, { versions: 1, published: true });
	await hidePrompt(fx.people.siteAdmin.user, prompt.id, 'Hidden for the matrix.');
	return prompt;
}

/** An open review of v2 for production on a fresh prompt, proposed by the fixture's proposer. */
async function openReview(fx: AuthzFixture): Promise<{ prompt: PromptRef; reviewId: string }> {
	const prompt = await freshPrompt(fx, { versions: 2 });
	const { id } = await proposeReview(fx.members.proposer, prompt.slug, { version: 2, label: 'production', title: '' });
	return { prompt, reviewId: id };
}

/** A new member of the fixture's workspace with `role`. */
async function spareMember(fx: AuthzFixture, role: 'viewer' | 'editor' | 'owner'): Promise<string> {
	const user = await newUser('azspare');
	await addMember(owner(fx), user.username, role);
	return user.id;
}

/** A session cookie of the actor's made for one attempt (signing out ends it, not the actor's own). */
async function throwawayCookie(fx: AuthzFixture, actor: Actor): Promise<string | null> {
	if (actor === 'anonymous') return null;
	const token = generateSessionToken();
	await createSession(token, fx.people[actor].user.id);
	return `${SESSION_COOKIE}=${token}`;
}

/** A workspace like the fixture's (same owner, editor and viewer) plus a second owner, so the owner may leave it. */
async function scratchWorkspace(fx: AuthzFixture): Promise<{ id: string; slug: string }> {
	const scratch = await createWorkspace(fx.people.owner.user.id, uniqueWorkspaceName('Scratch'));
	const scratchOwner = { ...owner(fx), workspace: { ...scratch, name: 'Scratch' }, role: 'owner' as const };
	await addMember(scratchOwner, fx.people.editor.user.username, 'editor');
	await addMember(scratchOwner, fx.people.viewer.user.username, 'viewer');
	await addMember(scratchOwner, fx.members.proposer.user.username, 'owner');
	return scratch;
}

/**
 * A session cookie of an account made for one attempt: changing a password or signing out
 * everywhere else ends the account's other sessions, and the actor's own must live on. Who the
 * actor is does not matter there: a signed-in person acts on their own account only.
 */
async function throwawayAccount(actor: Actor): Promise<string | null> {
	if (actor === 'anonymous') return null;
	const token = generateSessionToken();
	await createSession(token, (await newUser('azacct')).id);
	return `${SESSION_COOKIE}=${token}`;
}

const get = (path: string): HttpAttempt => ({ path });
const post = (path: string, form: Record<string, string> = {}): HttpAttempt => ({ path, form });

/** A member's page of the shared prompt, and the same page of the owner's private prompt. */
function promptPage(route: string, expect: Expectation, path: (fx: AuthzFixture, prompt: AuthzFixture['secret']) => string, hidden?: HttpRow['hidden']): HttpRow[] {
	// The private prompt: its author (the owner) sees it; anyone the shared page lets in gets a 404
	// (as if it did not exist); a refusal that comes before the prompt is looked up stays as it is.
	const secret: Expectation = { ...expect };
	for (const actor of ['viewer', 'editor'] as const) if (expect[actor] === 'ok') secret[actor] = 404;
	return [
		{ surface: `GET ${route}`, expect, attempt: (fx) => get(path(fx, fx.shared)), hidden },
		{ surface: `GET ${route}`, variant: 'private prompt', expect: secret, attempt: (fx) => get(path(fx, fx.secret)) }
	];
}

const P = '/w/[workspace]/prompts/[prompt]';

/** Rows of prompt actions aimed at a private prompt of the owner's, made for each attempt. */
function privateWrites(): HttpRow[] {
	const secretPrompt = (fx: AuthzFixture, versions = 1) => freshPrompt(fx, { versions, visibility: 'private' });
	const row = (surface: string, viewer: 403 | 404, attempt: HttpRow['attempt'], over: Partial<Expectation> = {}): HttpRow => ({
		surface,
		variant: 'private prompt',
		expect: member('editor', { viewer, editor: 404, ...over }),
		attempt
	});
	return [
		row(`POST ${P}/edit`, 403, async (fx) => {
			const prompt = await secretPrompt(fx, 0);
			return post(`${at(fx, prompt)}/edit`, { name: prompt.name, description: 'Edited by the matrix.', visibility: 'private' });
		}),
		row(`POST ${P}/versions?/commit`, 403, async (fx) => {
			const prompt = await secretPrompt(fx);
			await setDraft(prompt.id, MATRIX_CONTENT);
			return post(`${at(fx, prompt)}/versions?/commit`, { message: 'Committed by the matrix' });
		}),
		row(`POST ${P}/versions?/moveLabel`, 403, async (fx) => post(`${at(fx, await secretPrompt(fx))}/versions?/moveLabel`, { label: 'staging', version: '1' })),
		row(`POST ${P}/versions/[number=version]?/comment`, 403, async (fx) => post(`${at(fx, await secretPrompt(fx))}/versions/1?/comment`, { body: 'A comment from the matrix.' })),
		row(`POST ${P}/reviews?/propose`, 403, async (fx) => post(`${at(fx, await secretPrompt(fx, 2))}/reviews?/propose`, { version: '2', label: 'production' })),
		row(`POST ${P}/sessions?/open`, 404, async (fx) => post(`${at(fx, await secretPrompt(fx))}/sessions?/open`, { title: 'Opened by the matrix' })),
		row(`POST ${P}/publish?/publish`, 403, async (fx) => post(`${at(fx, await secretPrompt(fx))}/publish?/publish`, { versionNumber: '1', title: 'Published by the matrix' })),
		row(`POST ${P}/evaluations?/start`, 403, (fx) => post(`${at(fx, fx.secret)}/evaluations?/start`, { versionNumber: '1', model: 'whiterabbitneo' }), { owner: 400 })
	];
}

export const PAGE_ROWS: HttpRow[] = [
	// ---- the front door and accounts -----------------------------------------------------------
	{ surface: 'GET /', expect: { ...every({ to: '/workspaces' }), anonymous: 'ok' }, attempt: () => get('/') },
	{ surface: 'GET /signin', expect: { ...every({ to: '/workspaces' }), anonymous: 'ok' }, attempt: () => get('/signin') },
	{
		surface: 'POST /signin',
		expect: every({ to: '/workspaces' }),
		attempt: (fx) => post('/signin', { username: fx.people.outsider.user.username, password: TEST_PASSWORD })
	},
	{ surface: 'GET /signup', expect: { ...every({ to: '/workspaces' }), anonymous: 'ok' }, attempt: () => get('/signup') },
	{
		surface: 'POST /signup',
		expect: every({ to: '/workspaces' }),
		attempt: () => post('/signup', { username: uniqueUsername('azsign'), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })
	},
	{ surface: 'GET /signout', expect: every({ to: '/' }), attempt: () => get('/signout') },
	{ surface: 'POST /signout', expect: every({ to: '/signin' }), attempt: async (fx, actor) => ({ ...post('/signout'), cookie: await throwawayCookie(fx, actor) }) },
	{ surface: 'GET /account', expect: signedIn, attempt: () => get('/account') },
	{
		surface: 'POST /account?/changePassword',
		expect: signedIn,
		attempt: async (_fx, actor) => ({
			...post('/account?/changePassword', { currentPassword: TEST_PASSWORD, newPassword: 'changed by the matrix', confirmPassword: 'changed by the matrix' }),
			cookie: await throwawayAccount(actor)
		})
	},
	{ surface: 'POST /account?/signOutOthers', expect: signedIn, attempt: async (_fx, actor) => ({ ...post('/account?/signOutOthers'), cookie: await throwawayAccount(actor) }) },
	{ surface: 'GET /workspaces', expect: signedIn, attempt: () => get('/workspaces') },
	{ surface: 'POST /workspaces?/create', expect: signedIn, attempt: () => post('/workspaces?/create', { name: uniqueWorkspaceName('Made') }) },

	// ---- site administration ---------------------------------------------------------------------
	{ surface: 'GET /admin/dashboard', expect: siteAdminOnly, attempt: () => get('/admin/dashboard') },
	{ surface: 'GET /admin/reports', expect: siteAdminOnly, attempt: () => get('/admin/reports') },
	{
		surface: 'POST /admin/reports?/hide',
		expect: siteAdminOnly,
		attempt: async (fx) => post('/admin/reports?/hide', { promptId: (await freshPrompt(fx, { versions: 1, published: true })).id, reason: 'Hidden by the matrix.' })
	},
	{ surface: 'POST /admin/reports?/unhide', expect: siteAdminOnly, attempt: async (fx) => post('/admin/reports?/unhide', { promptId: (await hiddenPrompt(fx)).id }) },
	{
		surface: 'POST /admin/reports?/dismiss',
		expect: siteAdminOnly,
		attempt: async (fx) => {
			const report = await (await prisma()).abuseReport.create({
				data: { promptId: fx.shared.id, reporterId: fx.people.outsider.user.id, reason: 'A report for the matrix to dismiss.' },
				select: { id: true }
			});
			return post('/admin/reports?/dismiss', { reportId: report.id });
		}
	},
	{ surface: 'POST /admin/reports?/grant', expect: siteAdminOnly, attempt: async () => post('/admin/reports?/grant', { username: (await newUser('azgrant')).username }) },
	{
		surface: 'POST /admin/reports?/revoke',
		expect: siteAdminOnly,
		attempt: async () => {
			const admin = await newUser('azrevoke');
			await (await prisma()).user.update({ where: { id: admin.id }, data: { isSiteAdmin: true } });
			return post('/admin/reports?/revoke', { username: admin.username });
		}
	},

	// ---- public documents and probes ---------------------------------------------------------
	{ surface: 'GET /api/docs', expect: anyone, attempt: () => get('/api/docs') },
	{ surface: 'GET /api/health', expect: anyone, attempt: () => get('/api/health') },
	{ surface: 'GET /api/openapi.json', expect: anyone, attempt: () => get('/api/openapi.json') },
	{ surface: 'GET /theme-mode.js', expect: anyone, attempt: () => get('/theme-mode.js') },
	// The studio runs with METRICS_TOKEN set: a session, even a site admin's, is no credential for it.
	{ surface: 'GET /metrics', expect: every(401), attempt: () => get('/metrics') },

	// ---- the community library -----------------------------------------------------------------
	{ surface: 'GET /library', expect: anyone, attempt: () => get('/library') },
	{ surface: 'GET /library/[workspace]/[prompt]', expect: anyone, attempt: (fx) => get(inLibrary(fx)) },
	{ surface: 'GET /library/[workspace]/[prompt]', variant: 'unpublished private prompt', expect: every(404), attempt: (fx) => get(inLibrary(fx, fx.secret)) },
	{ surface: 'GET /library/[workspace]/[prompt]', variant: 'hidden prompt', expect: siteAdminOnly, attempt: async (fx) => get(inLibrary(fx, await hiddenPrompt(fx))) },
	{ surface: 'POST /library/[workspace]/[prompt]?/star', expect: signedIn, attempt: (fx) => post(`${inLibrary(fx)}?/star`) },
	{ surface: 'POST /library/[workspace]/[prompt]?/unstar', expect: signedIn, attempt: (fx) => post(`${inLibrary(fx)}?/unstar`) },
	{ surface: 'POST /library/[workspace]/[prompt]?/report', expect: signedIn, attempt: (fx) => post(`${inLibrary(fx)}?/report`, { reason: 'It asks people for their passwords.' }) },
	{
		surface: 'POST /library/[workspace]/[prompt]?/hide',
		expect: { ...siteAdminOnly, anonymous: 'signin' },
		attempt: async (fx) => post(`${inLibrary(fx, await freshPrompt(fx, { versions: 1, published: true }))}?/hide`, { reason: 'Hidden by the matrix.' })
	},
	{
		surface: 'POST /library/[workspace]/[prompt]?/unhide',
		expect: { ...siteAdminOnly, anonymous: 'signin' },
		attempt: async (fx) => post(`${inLibrary(fx, await hiddenPrompt(fx))}?/unhide`)
	},
	{ surface: 'GET /library/[workspace]/[prompt]/fork', expect: signedIn, attempt: (fx) => get(`${inLibrary(fx)}/fork`) },
	{
		surface: 'GET /library/[workspace]/[prompt]/fork',
		variant: 'unpublished private prompt',
		expect: { ...every(404), anonymous: 'signin' },
		attempt: (fx) => get(`${inLibrary(fx, fx.secret)}/fork`)
	},
	{
		// Into the fixture's workspace: its editors and owners may; a viewer may not add prompts there;
		// to anyone else it is not one of their workspaces.
		surface: 'POST /library/[workspace]/[prompt]/fork',
		expect: { anonymous: 'signin', outsider: 400, siteAdmin: 400, viewer: 403, editor: 'ok', owner: 'ok' },
		attempt: (fx) => post(`${inLibrary(fx)}/fork`, { workspace: fx.workspace.slug, versionNumber: '1' })
	},

	// ---- a workspace -------------------------------------------------------------------------------
	{
		surface: 'GET /w/[workspace]',
		expect: member('viewer'),
		attempt: (fx) => get(ws(fx)),
		hidden: { text: (fx) => fx.secret.name, from: ['viewer', 'editor'], shownTo: ['owner'] }
	},
	{ surface: 'GET /w/[workspace]/prompts/new', expect: member('editor'), attempt: (fx) => get(`${ws(fx)}/prompts/new`) },
	{ surface: 'POST /w/[workspace]/prompts/new', expect: member('editor'), attempt: (fx) => post(`${ws(fx)}/prompts/new`, { name: uniquePromptName('New'), visibility: 'workspace' }) },
	// Its load only sends members on to the new-prompt page (the workspace layout checks membership first).
	{
		surface: 'GET /w/[workspace]/prompts/new/starter',
		expect: member('viewer', { viewer: { to: '/w/{ws}/prompts/new' }, editor: { to: '/w/{ws}/prompts/new' }, owner: { to: '/w/{ws}/prompts/new' } }),
		attempt: (fx) => get(`${ws(fx)}/prompts/new/starter`) },
	{ surface: 'POST /w/[workspace]/prompts/new/starter', expect: member('editor'), attempt: (fx) => post(`${ws(fx)}/prompts/new/starter`, { starter: listStarters()[0]!.key }) },
	{
		surface: 'GET /w/[workspace]/runs',
		expect: member('viewer'),
		attempt: (fx) => get(`${ws(fx)}/runs`),
		hidden: { text: (fx) => fx.secret.name, from: ['viewer', 'editor'], shownTo: ['owner'] }
	},
	...promptPage('/w/[workspace]/runs/[run=uuid]', member('viewer'), (fx, prompt) => `${ws(fx)}/runs/${prompt.runId}`),
	{ surface: 'POST /w/[workspace]/runs/[run=uuid]?/rate', expect: member('viewer'), attempt: (fx) => post(`${ws(fx)}/runs/${fx.shared.runId}?/rate`, { rating: '4', comment: 'Rated by the matrix.' }) },
	{ surface: 'POST /w/[workspace]/runs/[run=uuid]?/rate', variant: 'private prompt', expect: member('viewer', { viewer: 404, editor: 404 }), attempt: (fx) => post(`${ws(fx)}/runs/${fx.secret.runId}?/rate`, { rating: '2' }) },
	{
		surface: 'GET /w/[workspace]/settings',
		expect: member('viewer'),
		attempt: (fx) => get(`${ws(fx)}/settings`),
		hidden: { text: () => '?/addMember', from: ['viewer', 'editor'], shownTo: ['owner'] }
	},
	{ surface: 'POST /w/[workspace]/settings?/rename', expect: member('owner'), attempt: (fx) => post(`${ws(fx)}/settings?/rename`, { name: uniqueWorkspaceName('Renamed') }) },
	{ surface: 'POST /w/[workspace]/settings?/addMember', expect: member('owner'), attempt: async (fx) => post(`${ws(fx)}/settings?/addMember`, { username: (await newUser('azadd')).username, role: 'viewer' }) },
	{ surface: 'POST /w/[workspace]/settings?/changeRole', expect: member('owner'), attempt: async (fx) => post(`${ws(fx)}/settings?/changeRole`, { userId: await spareMember(fx, 'viewer'), role: 'editor' }) },
	{ surface: 'POST /w/[workspace]/settings?/removeMember', expect: member('owner'), attempt: async (fx) => post(`${ws(fx)}/settings?/removeMember`, { userId: await spareMember(fx, 'viewer') }) },
	{
		surface: 'POST /w/[workspace]/settings?/protectProduction',
		expect: member('owner'),
		attempt: (fx) => ({ ...post(`${ws(fx)}/settings?/protectProduction`, { protectProduction: 'on' }), after: () => setProductionProtection(owner(fx), false) })
	},
	{
		// Any member may leave (here, a workspace with a second owner, so that its owner may too).
		surface: 'POST /w/[workspace]/settings?/leave',
		expect: member('viewer', { viewer: { to: '/workspaces' }, editor: { to: '/workspaces' }, owner: { to: '/workspaces' } }),
		attempt: async (fx) => {
			const scratch = await scratchWorkspace(fx);
			return { ...post(`/w/${scratch.slug}/settings?/leave`), workspaceIds: [scratch.id] };
		}
	},
	{ surface: 'GET /w/[workspace]/settings/plugins', expect: member('viewer'), attempt: (fx) => get(`${ws(fx)}/settings/plugins`) },
	{ surface: 'POST /w/[workspace]/settings/plugins?/save', expect: member('editor'), attempt: (fx) => post(`${ws(fx)}/settings/plugins?/save`, { pluginId: 'token-cost', enabled: 'on', config: '{}' }) },
	{ surface: 'GET /w/[workspace]/settings/tokens', expect: member('owner'), attempt: (fx) => get(`${ws(fx)}/settings/tokens`) },
	{ surface: 'POST /w/[workspace]/settings/tokens?/create', expect: member('owner'), attempt: (fx) => post(`${ws(fx)}/settings/tokens?/create`, { name: 'Matrix token', scopeRead: 'on' }) },
	{
		surface: 'POST /w/[workspace]/settings/tokens?/revoke',
		expect: member('owner'),
		attempt: async (fx) => post(`${ws(fx)}/settings/tokens?/revoke`, { tokenId: (await createApiToken(owner(fx), { name: 'Doomed', scopes: ['read'], expiresInDays: 0 })).row.id })
	},

	// ---- a prompt ------------------------------------------------------------------------------------
	// Editing (and deleting, at the bottom of Edit details) is offered to editors and owners only.
	...promptPage(P, member('viewer'), (fx, prompt) => at(fx, prompt), { text: (fx) => `href="${at(fx)}/edit"`, from: ['viewer'], shownTo: ['editor', 'owner'] }),
	{ surface: `POST ${P}?/delete`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx))}?/delete`) },
	{ surface: `POST ${P}?/delete`, variant: 'private prompt', expect: member('editor', { editor: 404 }), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { visibility: 'private' }))}?/delete`) },
	...promptPage(`${P}/edit`, member('editor'), (fx, prompt) => `${at(fx, prompt)}/edit`),
	{
		surface: `POST ${P}/edit`,
		expect: member('editor'),
		attempt: async (fx) => {
			const prompt = await freshPrompt(fx);
			return post(`${at(fx, prompt)}/edit`, { name: prompt.name, description: 'Edited by the matrix.', visibility: 'workspace' });
		}
	},
	...promptPage(`${P}/versions`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/versions`),
	{
		surface: `POST ${P}/versions?/commit`,
		expect: member('editor'),
		attempt: async (fx) => {
			const prompt = await freshPrompt(fx);
			await setDraft(prompt.id, MATRIX_CONTENT);
			return post(`${at(fx, prompt)}/versions?/commit`, { message: 'Committed by the matrix' });
		}
	},
	{ surface: `POST ${P}/versions?/restore`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 2 }))}/versions?/restore`, { version: '1' }) },
	{ surface: `POST ${P}/versions?/moveLabel`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 1 }))}/versions?/moveLabel`, { label: 'staging', version: '1' }) },
	...promptPage(`${P}/versions/[number=version]`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/versions/1`, { text: () => 'action="?/restore"', from: ['viewer'], shownTo: ['editor', 'owner'] }),
	{ surface: `POST ${P}/versions/[number=version]?/restore`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 2 }))}/versions/1?/restore`, { version: '1' }) },
	{ surface: `POST ${P}/versions/[number=version]?/comment`, expect: member('editor'), attempt: (fx) => post(`${at(fx)}/versions/1?/comment`, { body: 'A comment from the matrix.' }) },
	{ surface: `POST ${P}/versions/[number=version]?/moveLabel`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 1 }))}/versions/1?/moveLabel`, { label: 'staging', version: '1' }) },
	{ surface: `POST ${P}/versions/[number=version]?/propose`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 2 }))}/versions/2?/propose`, { version: '2', label: 'production' }) },
	...promptPage(`${P}/versions/diff`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/versions/diff`),
	...promptPage(`${P}/reviews`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/reviews`),
	{ surface: `POST ${P}/reviews?/propose`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 2 }))}/reviews?/propose`, { version: '2', label: 'production' }) },
	{ surface: `GET ${P}/reviews/[id=uuid]`, expect: member('viewer'), attempt: (fx) => get(`${at(fx)}/reviews/${fx.shared.reviewId}`) },
	{ surface: `POST ${P}/reviews/[id=uuid]?/comment`, expect: member('editor'), attempt: (fx) => post(`${at(fx)}/reviews/${fx.shared.reviewId}?/comment`, { body: 'Looks right to the matrix.' }) },
	{
		surface: `POST ${P}/reviews/[id=uuid]?/verdict`,
		expect: member('editor'),
		attempt: async (fx) => {
			const { prompt, reviewId } = await openReview(fx);
			return post(`${at(fx, prompt)}/reviews/${reviewId}?/verdict`, { verdict: 'approve' });
		}
	},
	{
		surface: `POST ${P}/reviews/[id=uuid]?/merge`,
		expect: member('editor'),
		attempt: async (fx) => {
			const { prompt, reviewId } = await openReview(fx);
			await decideReview(fx.members.editor, prompt.slug, reviewId, 'approve');
			return post(`${at(fx, prompt)}/reviews/${reviewId}?/merge`);
		}
	},
	{
		surface: `POST ${P}/reviews/[id=uuid]?/close`,
		expect: member('editor'),
		attempt: async (fx) => {
			const { prompt, reviewId } = await openReview(fx);
			return post(`${at(fx, prompt)}/reviews/${reviewId}?/close`);
		}
	},
	...promptPage(`${P}/sessions`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/sessions`, { text: () => 'action="?/open"', from: ['viewer'], shownTo: ['editor', 'owner'] }),
	{ surface: `POST ${P}/sessions?/open`, expect: member('editor'), attempt: (fx) => post(`${at(fx)}/sessions?/open`, { title: 'Opened by the matrix' }) },
	...promptPage(`${P}/sessions/[session=uuid]`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/sessions/${prompt.sessionId}`),
	...promptPage(`${P}/evaluations`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/evaluations`),
	{
		// Past the role rule an editor's start is refused for its template (no {{prompt}}): nothing runs.
		surface: `POST ${P}/evaluations?/start`,
		expect: member('editor', { editor: 400, owner: 400 }),
		attempt: (fx) => post(`${at(fx)}/evaluations?/start`, { versionNumber: '1', model: 'whiterabbitneo' })
	},
	...promptPage(`${P}/evaluations/[id=uuid]`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/evaluations/${prompt.evaluationId}`),
	{ surface: `POST ${P}/evaluations/[id=uuid]?/cancel`, expect: member('editor'), attempt: (fx) => post(`${at(fx)}/evaluations/${fx.shared.evaluationId}?/cancel`) },
	{
		// An editor who may not see the private prompt may not stop its evaluation either, by any address.
		surface: `POST ${P}/evaluations/[id=uuid]?/cancel`,
		variant: 'private prompt',
		expect: member('editor', { editor: 404 }),
		attempt: (fx) => post(`${at(fx, fx.secret)}/evaluations/${fx.secret.evaluationId}?/cancel`)
	},
	{
		surface: `POST ${P}/evaluations/[id=uuid]?/cancel`,
		variant: "private prompt's evaluation under the shared prompt's address",
		expect: member('editor', { editor: 404, owner: 404 }),
		attempt: (fx) => post(`${at(fx)}/evaluations/${fx.secret.evaluationId}?/cancel`)
	},
	...promptPage(`${P}/publish`, member('viewer'), (fx, prompt) => `${at(fx, prompt)}/publish`),
	{
		surface: `POST ${P}/publish?/publish`,
		expect: member('editor'),
		attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 1 }))}/publish?/publish`, { versionNumber: '1', title: 'Published by the matrix' })
	},
	// The same writes on the owner's private prompt: an editor who may not see it is told it is not
	// there; a viewer is refused by its role or by the prompt's rule, whichever the action asks first.
	...privateWrites(),
	{ surface: `POST ${P}/publish?/unpublish`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 1, published: true }))}/publish?/unpublish`, { version: '1' }) },
	{ surface: `POST ${P}/publish?/unpublishAll`, expect: member('editor'), attempt: async (fx) => post(`${at(fx, await freshPrompt(fx, { versions: 1, published: true }))}/publish?/unpublishAll`) },

	// ---- invitation links and one's own account (authz-team.ts) ----------------------------------------
	...TEAM_ROWS
];

/** Rows whose `{ to }` names the fixture's workspace as {ws}. */
export function resolveTarget(to: string, fx: AuthzFixture): string {
	return to.replace('{ws}', fx.workspace.slug);
}
