// What the run-history tests build on: a workspace with an owner, two editors (one writes the
// prompts) and a viewer; a workspace prompt and a private one by the author; and execution_history
// rows written straight through Prisma, as a finished (or running) run leaves them, since starting
// real runs is the socket path's business and not what these tests are about.
import { randomUUID } from 'node:crypto';
import { promptMetaSchema } from '$lib/schemas/prompt';
import type { Prisma } from '$lib/server/db/generated/client';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { addMember, type Member } from '$lib/server/workspaces';
import { prisma } from '../helpers/db';
import { memberOf, newUser, newWorkspace } from '../helpers/people';
import { uniquePromptName } from '../helpers/unique';

export interface PromptFixture {
	id: string;
	slug: string;
}

async function prompt(author: Member, visibility: 'workspace' | 'private', base: string): Promise<PromptFixture> {
	const { slug } = await createPrompt(author, promptMetaSchema.parse({ name: uniquePromptName(base), visibility }));
	return { id: (await getPrompt(author, slug)).id, slug };
}

export async function runTeam(base = 'runs') {
	const { owner, slug: ws } = await newWorkspace(base);
	const [authorUser, otherUser, viewerUser] = await Promise.all([newUser('author'), newUser('other'), newUser('viewer')]);
	await addMember(owner, authorUser.username, 'editor');
	await addMember(owner, otherUser.username, 'editor');
	await addMember(owner, viewerUser.username, 'viewer');
	const [author, other, viewer] = await Promise.all([memberOf(authorUser, ws), memberOf(otherUser, ws), memberOf(viewerUser, ws)]);
	const shared = await prompt(author, 'workspace', 'Shared');
	const secret = await prompt(author, 'private', 'Secret');
	return { ws, owner, author, other, viewer, shared, secret };
}

export type RunTeam = Awaited<ReturnType<typeof runTeam>>;

/** A committed version of the prompt with this number (content is not what these tests read). */
export async function versionOf(promptId: string, versionNumber: number): Promise<string> {
	const db = await prisma();
	const row = await db.promptVersion.create({
		data: {
			promptId,
			versionNumber,
			systemPrompt: 'You are terse.',
			userPromptTemplate: 'Say {{word}}',
			modelType: 'whiterabbitneo',
			contentHash: `${versionNumber}`.padStart(64, '0')
		},
		select: { id: true }
	});
	return row.id;
}

export async function sessionOf(member: Member, promptId: string, title = ''): Promise<string> {
	const db = await prisma();
	const row = await db.generationSession.create({
		data: { workspaceId: member.workspace.id, promptId, title, createdById: member.user.id },
		select: { id: true }
	});
	return row.id;
}

export interface RunOptions {
	by?: Member;
	promptId?: string | null;
	versionId?: string | null;
	sessionId?: string | null;
	groupId?: string;
	model?: string;
	status?: 'running' | 'succeeded' | 'failed' | 'cancelled';
	cacheOutcome?: 'hit' | 'miss' | 'skip' | null;
	at?: Date;
	output?: string;
	extra?: Partial<Prisma.ExecutionHistoryUncheckedCreateInput>;
}

/** One execution_history row of the team's workspace (by default: the author's finished run of the shared prompt). */
export async function addRun(t: RunTeam, options: RunOptions = {}): Promise<string> {
	const by = options.by ?? t.author;
	const status = options.status ?? 'succeeded';
	const at = options.at ?? new Date();
	const finished = status !== 'running';
	const cacheOutcome = options.cacheOutcome === undefined ? (finished ? 'miss' : null) : options.cacheOutcome;
	const db = await prisma();
	const row = await db.executionHistory.create({
		data: {
			workspaceId: by.workspace.id,
			promptId: options.promptId === undefined ? t.shared.id : options.promptId,
			versionId: options.versionId ?? null,
			sessionId: options.sessionId ?? null,
			userId: by.user.id,
			runGroupId: options.groupId ?? randomUUID(),
			status,
			modelUsed: options.model ?? 'whiterabbitneo',
			executedAt: at,
			finishedAt: finished ? new Date(at.getTime() + 1500) : null,
			inputData: { word: 'hello' },
			renderedPrompt: '[system]\nYou are terse.\n\n[user]\nSay hello',
			parameters: { maxTokens: 64, temperature: 0 },
			outputData: finished ? (options.output ?? 'hello') : null,
			success: finished ? status === 'succeeded' : null,
			timeToFirstTokenMs: finished ? 120 : null,
			executionTimeMs: finished ? 1500 : null,
			promptTokens: finished ? 12 : null,
			completionTokens: finished ? 3 : null,
			tokensUsed: finished ? 15 : null,
			cacheMode: 'auto',
			cacheOutcome,
			cacheHit: cacheOutcome === 'hit',
			estimatedCostUsd: finished ? (cacheOutcome === 'hit' ? '0' : '0.001250') : null,
			...options.extra
		},
		select: { id: true }
	});
	return row.id;
}
