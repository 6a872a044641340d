// The matrix's rows for the prompt API (/api/v1): who calls is a bearer token, never a session. The
// callers: none, a signed-in owner's cookie alone, a malformed header, a revoked, an expired and an
// unknown token, a token of another workspace (both scopes), and this workspace's tokens of each scope.
import { createApiToken, revokeApiToken } from '$lib/server/api-tokens';
import type { ApiScope } from '$lib/schemas/api-tokens';
import { prisma } from './db';
import { newWorkspace } from './people';
import type { AuthzFixture } from './authz-fixture';

export const API_CALLERS = ['none', 'cookie', 'malformed', 'unknown', 'revoked', 'expired', 'otherWorkspace', 'read', 'run', 'readRun'] as const;
export type ApiCaller = (typeof API_CALLERS)[number];

/** What each caller sends: an Authorization header, or the owner's session cookie. */
export type Credentials = Record<ApiCaller, { authorization?: string; cookie?: string }>;

export async function apiCredentials(fx: AuthzFixture): Promise<Credentials> {
	const owner = fx.members.owner;
	const token = async (scopes: ApiScope[], member = owner) => (await createApiToken(member, { name: scopes.join('+'), scopes, expiresInDays: 0 })).token;
	const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
	const revoked = await createApiToken(owner, { name: 'revoked', scopes: ['read', 'run'], expiresInDays: 0 });
	await revokeApiToken(owner, revoked.row.id);
	const expired = await createApiToken(owner, { name: 'expired', scopes: ['read', 'run'], expiresInDays: 30 });
	await (await prisma()).apiToken.update({ where: { id: expired.row.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
	const other = await newWorkspace('azother');
	return {
		none: {},
		cookie: { cookie: fx.people.owner.cookie },
		malformed: { authorization: `Basic ${Buffer.from('owner:password').toString('base64')}` },
		unknown: bearer('cts_thisisnotatokenofthisstudio00000'),
		revoked: bearer(revoked.token),
		expired: bearer(expired.token),
		otherWorkspace: bearer(await token(['read', 'run'], other.owner)),
		read: bearer(await token(['read'])),
		run: bearer(await token(['run'])),
		readRun: bearer(await token(['read', 'run']))
	};
}

export type ApiExpectation = Record<ApiCaller, number>;

/** No valid token of this workspace: 401 for all of them alike (a probe learns nothing). */
const unauthenticated = { none: 401, cookie: 401, malformed: 401, unknown: 401, revoked: 401, expired: 401 } as const;

/** A token with `scope` gets `granted`, one without it 403; another workspace's token does not find the prompt. */
function needs(scope: ApiScope, granted: number, otherWorkspace = 404): ApiExpectation {
	const has = (scopes: ApiScope[]) => (scopes.includes(scope) ? granted : 403);
	return { ...unauthenticated, otherWorkspace, read: has(['read']), run: has(['run']), readRun: has(['read', 'run']) };
}

export interface ApiRequest {
	method: 'GET' | 'POST';
	path: string;
	body?: unknown;
}

export interface ApiRow {
	surface: string;
	variant?: string;
	expect: ApiExpectation;
	request(fx: AuthzFixture): ApiRequest;
	/** "Nothing more": what an allowed answer must not hold (a line saying what leaked), or null. */
	inspect?(body: any, caller: ApiCaller, fx: AuthzFixture): string | null;
}

const variables = { language: 'python', code: 'eval(input())' };

/** Who may see which prompt through the list: this workspace's shared prompts, never the private one, never another workspace's. */
function listLeaks(body: { prompts?: { slug: string }[] }, caller: ApiCaller, fx: AuthzFixture): string | null {
	const slugs = (body.prompts ?? []).map((p) => p.slug);
	if (slugs.includes(fx.secret.slug)) return 'the private prompt is listed';
	if (caller === 'otherWorkspace' && slugs.includes(fx.shared.slug)) return "another workspace's token lists this workspace's prompt";
	if (caller !== 'otherWorkspace' && !slugs.includes(fx.shared.slug)) return 'the shared prompt is missing (the check would not bite)';
	return null;
}

export const API_ROWS: ApiRow[] = [
	{ surface: 'GET /api/v1/prompts', expect: needs('read', 200, 200), request: () => ({ method: 'GET', path: '/api/v1/prompts' }), inspect: listLeaks },
	{ surface: 'GET /api/v1/prompts/[slug]', expect: needs('read', 200), request: (fx) => ({ method: 'GET', path: `/api/v1/prompts/${fx.shared.slug}` }) },
	{ surface: 'GET /api/v1/prompts/[slug]', variant: 'private prompt', expect: needs('read', 404), request: (fx) => ({ method: 'GET', path: `/api/v1/prompts/${fx.secret.slug}` }) },
	{ surface: 'POST /api/v1/prompts/[slug]/render', expect: needs('read', 200), request: (fx) => ({ method: 'POST', path: `/api/v1/prompts/${fx.shared.slug}/render`, body: { variables } }) },
	{
		surface: 'POST /api/v1/prompts/[slug]/render',
		variant: 'private prompt',
		expect: needs('read', 404),
		request: (fx) => ({ method: 'POST', path: `/api/v1/prompts/${fx.secret.slug}/render`, body: { variables } })
	},
	{
		surface: 'POST /api/v1/prompts/[slug]/run',
		expect: needs('run', 200),
		request: (fx) => ({ method: 'POST', path: `/api/v1/prompts/${fx.shared.slug}/run`, body: { variables: { ...variables, code: `print(${Math.random()})` }, stream: false } })
	},
	{
		surface: 'POST /api/v1/prompts/[slug]/run',
		variant: 'private prompt',
		expect: needs('run', 404),
		request: (fx) => ({ method: 'POST', path: `/api/v1/prompts/${fx.secret.slug}/run`, body: { variables, stream: false } })
	}
];
