// Prompts in a workspace: create, list with filters, read, edit the descriptive fields, delete.
// Visibility inside the workspace: `private` prompts are seen by their author and the owners only.
import type { PromptFilters, PromptMetaInput, Visibility } from '$lib/schemas/prompt';
import { slugify } from '$lib/schemas/prompt';
import { isUniqueViolation, prisma } from '../db';
import { emitEvent } from '../domain-events';
import type { Prisma } from '../db';
import { conflict, forbidden, invalid, notFound } from '../errors';
import { renameListing, withdrawListing } from '../listings';
import { lockPrompt } from './library-row';
import { roleAtLeast } from '$lib/schemas/workspace';
import type { Member } from '../workspaces';
import { spendCreation } from '../creation-budget';

export interface PromptSummary {
	id: string;
	slug: string;
	name: string;
	description: string;
	category: string;
	tags: string[];
	visibility: Visibility;
	updatedAt: string;
	createdBy: string | null;
}

export interface PromptDetail extends PromptSummary {
	useCase: string;
	systemPrompt: string;
	userPromptTemplate: string;
	modelType: string;
	temperature: number;
	maxTokens: number;
	createdAt: string;
}

const summarySelect = {
	id: true,
	slug: true,
	name: true,
	description: true,
	category: true,
	tags: true,
	visibility: true,
	updatedAt: true,
	createdBy: { select: { username: true } }
} satisfies Prisma.PromptSelect;

type SummaryRow = Prisma.PromptGetPayload<{ select: typeof summarySelect }>;

function toSummary(row: SummaryRow): PromptSummary {
	return {
		id: row.id,
		slug: row.slug,
		name: row.name,
		description: row.description,
		category: row.category,
		tags: row.tags,
		visibility: row.visibility,
		updatedAt: row.updatedAt.toISOString(),
		createdBy: row.createdBy?.username ?? null
	};
}

/** The rule for private prompts: seen by their author and the owners. Null for owners (they see all). */
export function privatePromptRule(member: Member): Prisma.PromptWhereInput | null {
	if (member.role === 'owner') return null;
	return { OR: [{ visibility: { not: 'private' } }, { createdById: member.user.id }] };
}

/** The prompts this member may see: everything but other people's private prompts (owners see all). */
function visibleTo(member: Member): Prisma.PromptWhereInput {
	return { workspaceId: member.workspace.id, ...privatePromptRule(member) };
}

export async function listPrompts(member: Member, filters: PromptFilters): Promise<PromptSummary[]> {
	const db = await prisma();
	const and: Prisma.PromptWhereInput[] = [visibleTo(member)];
	if (filters.q) {
		and.push({
			OR: [
				{ name: { contains: filters.q, mode: 'insensitive' } },
				{ description: { contains: filters.q, mode: 'insensitive' } },
				{ slug: { contains: filters.q.toLowerCase() } }
			]
		});
	}
	if (filters.category) and.push({ category: filters.category });
	if (filters.tag) and.push({ tags: { has: filters.tag.toLowerCase() } });
	if (filters.visibility) and.push({ visibility: filters.visibility });
	const rows = await db.prompt.findMany({ where: { AND: and }, orderBy: { updatedAt: 'desc' }, take: 200, select: summarySelect });
	return rows.map(toSummary);
}

/** Categories and tags in use in the workspace, for the filter controls. */
export async function promptFacets(member: Member): Promise<{ categories: string[]; tags: string[] }> {
	const db = await prisma();
	const rows = await db.prompt.findMany({ where: visibleTo(member), select: { category: true, tags: true }, take: 2000 });
	const categories = new Set<string>();
	const tags = new Set<string>();
	for (const row of rows) {
		if (row.category) categories.add(row.category);
		for (const tag of row.tags) tags.add(tag);
	}
	return { categories: [...categories].sort(), tags: [...tags].sort() };
}

export async function getPrompt(member: Member, slug: string): Promise<PromptDetail> {
	const db = await prisma();
	const row = await db.prompt.findFirst({
		where: { AND: [visibleTo(member), { slug }] },
		select: {
			...summarySelect,
			useCase: true,
			systemPrompt: true,
			userPromptTemplate: true,
			modelType: true,
			temperature: true,
			maxTokens: true,
			createdAt: true
		}
	});
	if (!row) throw notFound('That prompt');
	return {
		...toSummary(row),
		useCase: row.useCase,
		systemPrompt: row.systemPrompt,
		userPromptTemplate: row.userPromptTemplate,
		modelType: row.modelType,
		temperature: row.temperature,
		maxTokens: row.maxTokens,
		createdAt: row.createdAt.toISOString()
	};
}

function requireEditor(member: Member): void {
	if (!roleAtLeast(member.role, 'editor')) throw forbidden('Viewers cannot change prompts.');
}


/** Writes the descriptive fields; a slug clash becomes a 409 on the slug field. */
async function writeMeta<T>(write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (error) {
		if (isUniqueViolation(error)) throw conflict('Another prompt in this workspace already uses that slug.', 'slug');
		throw error;
	}
}

function metaColumns(input: PromptMetaInput) {
	const { name, description, category, useCase, tags, visibility } = input;
	return { name, description, category, useCase, tags, visibility };
}

export async function createPrompt(member: Member, input: PromptMetaInput): Promise<{ slug: string }> {
	requireEditor(member);
	// Public means published: a new prompt has no version to publish yet.
	if (input.visibility === 'public') throw invalid('A new prompt is private or shared with the workspace; publish a version to make it public.', 'visibility');
	await spendCreation(member.user.id, 'prompt');
	const db = await prisma();
	return writeMeta(() =>
		db.prompt.create({
			data: {
				...metaColumns(input),
				workspaceId: member.workspace.id,
				createdById: member.user.id,
				slug: input.slug || slugify(input.name)
			},
			select: { slug: true }
		})
	);
}

export async function updatePromptMeta(member: Member, slug: string, input: PromptMetaInput): Promise<{ slug: string }> {
	requireEditor(member);
	const current = await getPrompt(member, slug);
	// Public means published: a prompt becomes public only by publishing a version (publishing/).
	if (input.visibility === 'public' && current.visibility !== 'public') {
		throw invalid('A prompt becomes public by publishing a version from its Publish tab.', 'visibility');
	}
	const db = await prisma();
	const updated = await writeMeta(() =>
		db.$transaction(async (tx) => {
			// Under the prompt's lock, as publishing takes it: a publish in between is seen here.
			await lockPrompt(tx, current.id);
			const before = await tx.prompt.findUniqueOrThrow({ where: { id: current.id }, select: { visibility: true, slug: true } });
			const visibility = input.visibility === 'public' && before.visibility !== 'public' ? before.visibility : input.visibility;
			const row = await tx.prompt.update({
				where: { id: current.id },
				data: { ...metaColumns(input), visibility, slug: input.slug || current.slug },
				select: { slug: true }
			});
			// Made private or workspace-only: it leaves the community library. Renamed: its public address follows.
			if (before.visibility === 'public' && visibility !== 'public') await withdrawListing(tx, current.id);
			else if (row.slug !== before.slug) await renameListing(tx, current.id, row.slug);
			return row;
		})
	);
	// Open editors lose a prompt that became private to its author and the owners.
	if (input.visibility !== current.visibility) emitEvent('prompt.access.changed', { promptId: current.id });
	return updated;
}

export async function deletePrompt(member: Member, slug: string): Promise<void> {
	requireEditor(member);
	const current = await getPrompt(member, slug);
	await (await prisma()).prompt.delete({ where: { id: current.id } });
	emitEvent('prompt.deleted', { promptId: current.id });
}
