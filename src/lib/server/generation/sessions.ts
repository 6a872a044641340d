// Generation sessions: a shared room of one workspace on one prompt, opened by URL. Who may be in
// one follows the prompt's own rule (drafts/draftAccess: members who may see the prompt); editors
// and owners run and cancel, viewers watch.
import { z } from 'zod';
import type { Role } from '$lib/schemas/workspace';
import { prisma } from '../db';
import { draftAccess } from '../drafts';
import { forbidden, notFound } from '../errors';
import { getPrompt } from '../prompts';
import type { Member } from '../workspaces';
import { spendCreation } from '../creation-budget';

export interface SessionRef {
	id: string;
	title: string;
	workspaceId: string;
	workspaceSlug: string;
	promptId: string;
	promptSlug: string;
	promptName: string;
	createdBy: string | null;
	createdAt: string;
	lastActivityAt: string;
}

export interface SessionAccess {
	session: SessionRef;
	userId: string;
	username: string;
	role: Role;
	canRun: boolean;
}

export interface SessionSummary extends SessionRef {
	runs: number;
}

export const sessionTitleSchema = z.string().trim().max(120, 'Use at most 120 characters.');

const refSelect = {
	id: true,
	title: true,
	createdAt: true,
	lastActivityAt: true,
	workspaceId: true,
	promptId: true,
	workspace: { select: { slug: true } },
	prompt: { select: { slug: true, name: true } },
	createdBy: { select: { username: true } }
} as const;

type RefRow = {
	id: string;
	title: string;
	createdAt: Date;
	lastActivityAt: Date;
	workspaceId: string;
	promptId: string;
	workspace: { slug: string };
	prompt: { slug: string; name: string };
	createdBy: { username: string } | null;
};

function toRef(row: RefRow): SessionRef {
	return {
		id: row.id,
		title: row.title || `Session of ${row.createdAt.toISOString().slice(0, 16).replace('T', ' ')}`,
		workspaceId: row.workspaceId,
		workspaceSlug: row.workspace.slug,
		promptId: row.promptId,
		promptSlug: row.prompt.slug,
		promptName: row.prompt.name,
		createdBy: row.createdBy?.username ?? null,
		createdAt: row.createdAt.toISOString(),
		lastActivityAt: row.lastActivityAt.toISOString()
	};
}

/** The user's place in a session, or null (no such session, not a member, or a private prompt). */
export async function sessionAccess(user: { id: string; username: string }, sessionId: string): Promise<SessionAccess | null> {
	if (!z.uuid().safeParse(sessionId).success) return null;
	const db = await prisma();
	const row = await db.generationSession.findUnique({ where: { id: sessionId }, select: refSelect });
	if (!row) return null;
	const access = await draftAccess(user.id, row.promptId);
	if (!access) return null;
	return { session: toRef(row), userId: user.id, username: user.username, role: access.role, canRun: access.canWrite };
}

/** The session for a page of the member's workspace (404 when it is elsewhere or hidden). */
export async function getSession(member: Member, sessionId: string): Promise<SessionAccess> {
	const access = await sessionAccess(member.user, sessionId);
	if (!access || access.session.workspaceId !== member.workspace.id) throw notFound('The session');
	return access;
}

/** Opens a new session on the prompt. Editors and owners: they are the ones who run it. */
export async function openSession(member: Member, promptSlug: string, title: string): Promise<{ id: string }> {
	const prompt = await getPrompt(member, promptSlug);
	const access = await draftAccess(member.user.id, prompt.id);
	if (!access?.canWrite) throw forbidden('Viewers can join sessions but not open them.');
	await spendCreation(member.user.id, 'session');
	const db = await prisma();
	const row = await db.generationSession.create({
		data: { workspaceId: member.workspace.id, promptId: prompt.id, title: sessionTitleSchema.parse(title), createdById: member.user.id },
		select: { id: true }
	});
	return row;
}

/** The prompt's sessions, most recently active first. */
export async function listSessions(member: Member, promptSlug: string, take = 50): Promise<SessionSummary[]> {
	const prompt = await getPrompt(member, promptSlug);
	const db = await prisma();
	const rows = await db.generationSession.findMany({
		where: { promptId: prompt.id, workspaceId: member.workspace.id },
		orderBy: { lastActivityAt: 'desc' },
		take,
		select: { ...refSelect, _count: { select: { executions: true } } }
	});
	return rows.map((row) => ({ ...toRef(row), runs: row._count.executions }));
}

/** Marks the session active now (a run started), for the list's order. */
export async function touchSession(sessionId: string): Promise<void> {
	const db = await prisma();
	await db.generationSession.update({ where: { id: sessionId }, data: { lastActivityAt: new Date() } });
}
