// The shipped starter prompts: a workspace creates a prompt from one, and its draft holds the
// starter's content, ready to run.
import { describe, expect, it } from 'vitest';
import { readDraftContent } from '$lib/server/drafts';
import { STARTER_PROMPTS } from '$lib/server/models/starters';
import { createPromptFromStarter, getPrompt, listStarters } from '$lib/server/prompts';
import { addMember } from '$lib/server/workspaces';
import { memberOf, newUser, newWorkspace } from '../helpers/people';

describe('starter prompts', () => {
	it('offers the five shipped starters for common code tasks', () => {
		expect(listStarters().map((s) => s.key)).toEqual(['analyse', 'security-review', 'optimise', 'generate-code', 'complete-function']);
		expect(listStarters().find((s) => s.key === 'generate-code')?.template).toBe('Generate {{language}} code: {{task}}');
	});

	it('creates a prompt whose draft is the starter’s content; a second copy gets its own slug', async () => {
		const { owner } = await newWorkspace('starter');
		const first = await createPromptFromStarter(owner, 'security-review');
		const second = await createPromptFromStarter(owner, 'security-review');
		expect(first.slug).toBe('security-review');
		expect(second.slug).toBe('security-review-2');
		const prompt = await getPrompt(owner, first.slug);
		const starter = STARTER_PROMPTS.find((s) => s.key === 'security-review')!;
		const draft = await readDraftContent(prompt.id);
		expect(draft.systemPrompt).toBe(starter.content.systemPrompt);
		expect(draft.userPromptTemplate).toBe(starter.content.userPromptTemplate);
		expect(draft.fewShotExamples).toEqual(starter.content.fewShotExamples);
		expect(draft.parameters).toMatchObject({ temperature: starter.content.parameters.temperature, maxTokens: starter.content.parameters.maxTokens });
	});

	it('refuses viewers and unknown starters', async () => {
		const { owner, slug } = await newWorkspace('starter');
		const viewerUser = await newUser('starterviewer');
		await addMember(owner, viewerUser.username, 'viewer');
		const viewer = await memberOf(viewerUser, slug);
		await expect(createPromptFromStarter(viewer, 'analyse')).rejects.toMatchObject({ status: 403 });
		await expect(createPromptFromStarter(owner, 'no-such-starter')).rejects.toMatchObject({ status: 400, message: 'Choose one of the starter prompts.' });
	});
});
