// API tokens: how programs call the prompt API on behalf of a workspace. An owner creates one (the
// token is shown once; only its SHA-256 is stored, as for sessions), names it, gives it scopes
// (read: list and fetch prompts; run: also run them) and revokes it. A bearer token is checked
// here on every API request, and so is its creator: a token acts for the owner who made it, so it
// works only while they are still an owner of its workspace. Its last use is recorded at most once a minute.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { ApiScope } from '$lib/schemas/api-tokens';
import { prisma } from '../db';
import { forbidden, notFound } from '../errors';
import { ownedWorkspaces, roleIn, type Member, type WorkspaceRef } from '../workspaces';

/** Who may create tokens, and so whom a token may keep acting for. */
const TOKEN_ROLE = 'owner';

/** Every token starts so: secret scanners and people can tell what it is. */
export const TOKEN_PREFIX = 'cts_';
/** Active tokens a workspace may hold at once. */
export const MAX_TOKENS_PER_WORKSPACE = 50;
const LAST_USED_EVERY_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ApiTokenRow {
	id: string;
	name: string;
	/** The token's first characters, to tell tokens apart in a list (never enough to use it). */
	prefix: string;
	scopes: ApiScope[];
	createdBy: string | null;
	createdAt: Date;
	lastUsedAt: Date | null;
	expiresAt: Date | null;
	revokedAt: Date | null;
}

/** What an authenticated request may do. */
export interface ApiCaller {
	tokenId: string;
	workspaceId: string;
	scopes: ApiScope[];
	/** Who created the token: runs it starts are recorded under that user (null once they are gone). */
	createdById: string | null;
}

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

function requireOwner(member: Member): void {
	if (member.role !== TOKEN_ROLE) throw forbidden('Only workspace owners manage API tokens.');
}

export async function listApiTokens(member: Member): Promise<ApiTokenRow[]> {
	requireOwner(member);
	const db = await prisma();
	const rows = await db.apiToken.findMany({
		where: { workspaceId: member.workspace.id },
		orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
		select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true, createdBy: { select: { username: true } } }
	});
	return rows.map(({ createdBy, ...row }) => ({ ...row, createdBy: createdBy?.username ?? null }));
}

/** Creates a token; the returned `token` is the only time it exists in the clear. */
export async function createApiToken(
	member: Member,
	input: { name: string; scopes: ApiScope[]; expiresInDays: number }
): Promise<{ token: string; row: ApiTokenRow }> {
	requireOwner(member);
	const db = await prisma();
	const active = await db.apiToken.count({ where: { workspaceId: member.workspace.id, revokedAt: null } });
	if (active >= MAX_TOKENS_PER_WORKSPACE) throw forbidden(`A workspace holds at most ${MAX_TOKENS_PER_WORKSPACE} active tokens: revoke one first.`);
	const token = TOKEN_PREFIX + encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
	const row = await db.apiToken.create({
		data: {
			workspaceId: member.workspace.id,
			name: input.name,
			tokenHash: hashToken(token),
			prefix: token.slice(0, 12),
			scopes: [...new Set(input.scopes)],
			createdById: member.user.id,
			expiresAt: input.expiresInDays > 0 ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null
		},
		select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true }
	});
	return { token, row: { ...row, createdBy: member.user.username } };
}

export async function revokeApiToken(member: Member, tokenId: string): Promise<void> {
	requireOwner(member);
	const db = await prisma();
	const { count } = await db.apiToken.updateMany({ where: { id: tokenId, workspaceId: member.workspace.id, revokedAt: null }, data: { revokedAt: new Date() } });
	if (count === 0) throw notFound('The token');
}

/** A live token as its owner's account page lists it, with the workspace it belongs to. */
export interface OwnedApiTokenRow extends Pick<ApiTokenRow, 'id' | 'name' | 'prefix' | 'scopes' | 'createdAt' | 'lastUsedAt' | 'expiresAt'> {
	workspace: WorkspaceRef;
}

/** The live tokens (neither revoked nor expired) of every workspace the user owns, newest first. */
export async function listOwnedApiTokens(userId: string): Promise<OwnedApiTokenRow[]> {
	const workspaces = await ownedWorkspaces(userId);
	if (workspaces.length === 0) return [];
	const byId = new Map(workspaces.map((w) => [w.id, w]));
	const now = new Date();
	const rows = await (await prisma()).apiToken.findMany({
		where: { workspaceId: { in: [...byId.keys()] }, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
		orderBy: { createdAt: 'desc' },
		take: MAX_TOKENS_PER_WORKSPACE * 4,
		select: { id: true, workspaceId: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true }
	});
	return rows.map(({ workspaceId, ...row }) => ({ ...row, workspace: byId.get(workspaceId)! }));
}

/**
 * Revokes a token of a workspace the user owns, by its id alone (the account page lists tokens of
 * several workspaces). Any other token, or one revoked already, is "not found".
 */
export async function revokeOwnedApiToken(userId: string, tokenId: string): Promise<{ name: string; workspace: string }> {
	const db = await prisma();
	const token = await db.apiToken.findUnique({ where: { id: tokenId }, select: { workspaceId: true, name: true, revokedAt: true, workspace: { select: { name: true } } } });
	if (!token || token.revokedAt || (await roleIn(token.workspaceId, userId)) !== TOKEN_ROLE) throw notFound('That token');
	const { count } = await db.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
	if (count === 0) throw notFound('That token');
	return { name: token.name, workspace: token.workspace.name };
}

/**
 * The caller behind an `Authorization: Bearer <token>` value, or null for a token that is unknown,
 * revoked or expired (the API answers all three alike, so a probe learns nothing). A live token whose
 * creator is gone from the workspace, or is no longer an owner of it, is refused (403) on each use:
 * only whoever holds the token learns that, and it works again if they become an owner again.
 */
export async function authenticateApiToken(token: string): Promise<ApiCaller | null> {
	if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
	const db = await prisma();
	const row = await db.apiToken.findUnique({
		where: { tokenHash: hashToken(token) },
		select: { id: true, workspaceId: true, scopes: true, createdById: true, lastUsedAt: true, expiresAt: true, revokedAt: true }
	});
	const now = new Date();
	if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
	const creatorRole = row.createdById ? await roleIn(row.workspaceId, row.createdById) : null;
	if (creatorRole !== TOKEN_ROLE) {
		throw forbidden("This token's creator is no longer an owner of its workspace, so the token no longer works: an owner can create a new one.");
	}
	if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
		await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
	}
	return { tokenId: row.id, workspaceId: row.workspaceId, scopes: row.scopes, createdById: row.createdById };
}

/** Whether the caller's scopes allow `needed` (run implies nothing about read: each is given). */
export function hasScope(caller: ApiCaller, needed: ApiScope): boolean {
	return caller.scopes.includes(needed);
}
