// Creating a prompt from one of the shipped starter prompts (models/starters.ts: common code tasks).
// The new prompt's own fields hold the starter's content, so its live draft is seeded from them the
// first time anyone opens it in the editor, where choosing a starter lands.
import { slugify } from '$lib/schemas/prompt';
import { isUniqueViolation, prisma } from '../db';
import { forbidden, invalid } from '../errors';
import { STARTER_PROMPTS, type StarterPrompt } from '../models';
import { roleAtLeast } from '$lib/schemas/workspace';
import type { Member } from '../workspaces';
import { spendCreation } from '../creation-budget';

export type StarterSummary = Pick<StarterPrompt, 'key' | 'name' | 'description' | 'model'> & { template: string };

export function listStarters(): StarterSummary[] {
	return STARTER_PROMPTS.map(({ key, name, description, model, content }) => ({ key, name, description, model, template: content.userPromptTemplate }));
}

/** A new workspace prompt holding the starter's content; a taken slug gets a number (-2, -3, …). */
export async function createPromptFromStarter(member: Member, key: string): Promise<{ slug: string }> {
	if (!roleAtLeast(member.role, 'editor')) throw forbidden('Viewers cannot change prompts.');
	const starter = STARTER_PROMPTS.find((s) => s.key === key);
	if (!starter) throw invalid('Choose one of the starter prompts.', 'starter');
	await spendCreation(member.user.id, 'prompt');
	const db = await prisma();
	const { content } = starter;
	for (let n = 1; n <= 50; n++) {
		const slug = n === 1 ? slugify(starter.name) : `${slugify(starter.name)}-${n}`;
		try {
			return await db.prompt.create({
				data: {
					workspaceId: member.workspace.id,
					createdById: member.user.id,
					slug,
					name: n === 1 ? starter.name : `${starter.name} ${n}`,
					description: starter.description,
					category: 'starter',
					useCase: starter.key,
					tags: ['starter', starter.model],
					visibility: 'workspace',
					systemPrompt: content.systemPrompt,
					userPromptTemplate: content.userPromptTemplate,
					fewShotExamples: content.fewShotExamples,
					modelType: content.parameters.modelType,
					temperature: content.parameters.temperature,
					maxTokens: content.parameters.maxTokens
				},
				select: { slug: true }
			});
		} catch (error) {
			if (!isUniqueViolation(error)) throw error;
		}
	}
	throw invalid('This workspace already has too many copies of that starter.', 'starter');
}
