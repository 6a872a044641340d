// Reading a prompt's history: its versions (newest first) with the labels that point at each, one
// version's full content, and the comments made on it.
import type { DraftContent } from '$lib/prompt-doc';
import { prisma } from '../db';
import type { Prisma } from '../db';
import { ServiceError, invalid, notFound } from '../errors';
import type { Member } from '../workspaces';
import { promptOf, type PromptRef } from './access';
import { fromColumns } from './content';

export interface VersionSummary {
	id: string;
	number: number;
	message: string;
	author: string | null;
	createdAt: string;
	contentHash: string;
	variables: string[];
	labels: string[];
	parent: number | null;
	restoredFrom: number | null;
	isDeployed: boolean;
}

export interface VersionDetail extends VersionSummary {
	content: DraftContent;
	deployedAt: string | null;
}

export type Transaction = Prisma.TransactionClient;

const summarySelect = {
	id: true,
	versionNumber: true,
	changeNotes: true,
	createdAt: true,
	contentHash: true,
	variables: true,
	isDeployed: true,
	createdBy: { select: { username: true } },
	labels: { select: { name: true }, orderBy: { name: 'asc' } },
	parentVersion: { select: { versionNumber: true } },
	restoredFrom: { select: { versionNumber: true } }
} satisfies Prisma.PromptVersionSelect;

const detailSelect = {
	...summarySelect,
	systemPrompt: true,
	userPromptTemplate: true,
	fewShotExamples: true,
	modelType: true,
	temperature: true,
	maxTokens: true,
	parameters: true,
	deployedAt: true
} satisfies Prisma.PromptVersionSelect;

function toSummary(row: Prisma.PromptVersionGetPayload<{ select: typeof summarySelect }>): VersionSummary {
	return {
		id: row.id,
		number: row.versionNumber,
		message: row.changeNotes,
		author: row.createdBy?.username ?? null,
		createdAt: row.createdAt.toISOString(),
		contentHash: row.contentHash,
		variables: row.variables,
		labels: row.labels.map((label) => label.name),
		parent: row.parentVersion?.versionNumber ?? null,
		restoredFrom: row.restoredFrom?.versionNumber ?? null,
		isDeployed: row.isDeployed
	};
}

export async function listVersions(member: Member, slug: string): Promise<{ prompt: PromptRef; versions: VersionSummary[] }> {
	const prompt = await promptOf(member, slug);
	const rows = await (await prisma()).promptVersion.findMany({
		where: { promptId: prompt.id },
		orderBy: { versionNumber: 'desc' },
		select: summarySelect
	});
	return { prompt, versions: rows.map(toSummary) };
}

/** How many versions a prompt has (what deleting it takes with it), without reading them. */
export async function countVersions(member: Member, slug: string): Promise<number> {
	const prompt = await promptOf(member, slug);
	return (await prisma()).promptVersion.count({ where: { promptId: prompt.id } });
}

/** One version of a prompt by number, with its content; 404 when the prompt has no such version. */
export async function versionByNumber(promptId: string, number: number, db?: Transaction): Promise<VersionDetail> {
	const row = await (db ?? (await prisma())).promptVersion.findUnique({
		where: { promptId_versionNumber: { promptId, versionNumber: number } },
		select: detailSelect
	});
	if (!row) throw notFound(`Version ${number}`);
	return { ...toSummary(row), content: fromColumns(row), deployedAt: row.deployedAt?.toISOString() ?? null };
}

/** Like versionByNumber, for a number typed into a form: a missing version is that field's 400. */
export async function versionFromForm(promptId: string, number: number, db?: Transaction, field = 'version'): Promise<VersionDetail> {
	try {
		return await versionByNumber(promptId, number, db);
	} catch (error) {
		if (error instanceof ServiceError && error.status === 404) throw invalid(`This prompt has no v${number}.`, field);
		throw error;
	}
}

export async function getVersion(member: Member, slug: string, number: number): Promise<{ prompt: PromptRef; version: VersionDetail }> {
	const prompt = await promptOf(member, slug);
	return { prompt, version: await versionByNumber(prompt.id, number) };
}

/** The newest version of a prompt, or null before the first commit. */
export async function latestVersion(promptId: string, db?: Transaction): Promise<{ id: string; number: number; contentHash: string } | null> {
	const row = await (db ?? (await prisma())).promptVersion.findFirst({
		where: { promptId },
		orderBy: { versionNumber: 'desc' },
		select: { id: true, versionNumber: true, contentHash: true }
	});
	return row ? { id: row.id, number: row.versionNumber, contentHash: row.contentHash } : null;
}


/** The newest version's number and content, or null before the first commit: what the editor compares the live draft with. */
export async function latestCommitted(promptId: string): Promise<{ number: number; content: DraftContent } | null> {
	const row = await (await prisma()).promptVersion.findFirst({ where: { promptId }, orderBy: { versionNumber: 'desc' }, select: detailSelect });
	return row ? { number: row.versionNumber, content: fromColumns(row) } : null;
}
