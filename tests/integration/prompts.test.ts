import { describe, expect, it } from 'vitest';
import { promptMetaSchema, type PromptMetaInput } from '$lib/schemas/prompt';
import { createPrompt, deletePrompt, getPrompt, listPrompts, promptFacets, updatePromptMeta } from '$lib/server/prompts';
import { addMember } from '$lib/server/workspaces';
import { refusal } from '../helpers/refusal';
import { memberOf, newUser, newWorkspace } from '../helpers/people';

const input = (fields: Record<string, string>): PromptMetaInput => promptMetaSchema.parse(fields);
const NO_FILTERS = { q: '', category: '', tag: '', visibility: '' } as const;


async function team() {
	const { owner, slug } = await newWorkspace('prompts');
	const editorUser = await newUser('ed');
	const viewerUser = await newUser('vw');
	await addMember(owner, editorUser.username, 'editor');
	await addMember(owner, viewerUser.username, 'viewer');
	return { owner, editor: await memberOf(editorUser, slug), viewer: await memberOf(viewerUser, slug) };
}

describe('prompts', () => {
	it('lets editors create a prompt with a slug derived from its title', async () => {
		const { editor } = await team();
		const { slug } = await createPrompt(editor, input({ name: 'Security Review (v2)', tags: 'Security, OWASP, security' }));
		expect(slug).toBe('security-review-v2');
		const prompt = await getPrompt(editor, slug);
		expect(prompt.tags).toEqual(['security', 'owasp']);
		expect(prompt.createdBy).toBe(editor.user.username);
		expect(prompt.temperature).toBe(0.7);
		expect(prompt.maxTokens).toBe(2048);
	});

	it('refuses viewers every change', async () => {
		const { editor, viewer } = await team();
		const { slug } = await createPrompt(editor, input({ name: 'Analyse code' }));
		expect((await refusal(createPrompt(viewer, input({ name: 'Nope' })))).status).toBe(403);
		expect((await refusal(updatePromptMeta(viewer, slug, input({ name: 'Changed' })))).status).toBe(403);
		expect((await refusal(deletePrompt(viewer, slug))).status).toBe(403);
		expect((await getPrompt(viewer, slug)).name).toBe('Analyse code');
	});

	it('refuses a slug already used in the workspace, on the slug field', async () => {
		const { editor } = await team();
		await createPrompt(editor, input({ name: 'First', slug: 'shared' }));
		const error = await refusal(createPrompt(editor, input({ name: 'Second', slug: 'shared' })));
		expect([error.status, error.field]).toEqual([409, 'slug']);
		const { slug } = await createPrompt(editor, input({ name: 'Third' }));
		expect((await refusal(updatePromptMeta(editor, slug, input({ name: 'Third', slug: 'shared' })))).status).toBe(409);
	});

	it('keeps private prompts to their author and the owners', async () => {
		const { owner, editor, viewer } = await team();
		const { slug } = await createPrompt(editor, input({ name: 'Draft idea', visibility: 'private' }));
		expect((await getPrompt(owner, slug)).visibility).toBe('private');
		expect((await refusal(getPrompt(viewer, slug))).status).toBe(404);
		expect((await listPrompts(viewer, NO_FILTERS)).map((p) => p.slug)).not.toContain(slug);
		expect((await listPrompts(editor, NO_FILTERS)).map((p) => p.slug)).toContain(slug);
	});

	it('never shows one workspace’s prompts to another workspace', async () => {
		const a = await team();
		const b = await team();
		const { slug } = await createPrompt(a.editor, input({ name: 'Secret sauce' }));
		expect((await refusal(getPrompt(b.owner, slug))).status).toBe(404);
		expect(await listPrompts(b.owner, NO_FILTERS)).toEqual([]);
	});

	it('a new prompt cannot start public: public means published', async () => {
		const { editor } = await team();
		const refused = await refusal(createPrompt(editor, input({ name: 'Straight to public', visibility: 'public' })));
		expect(refused).toMatchObject({ status: 400, field: 'visibility' });
		expect(await listPrompts(editor, NO_FILTERS)).toEqual([]);
	});

	it('filters by text, category, tag and visibility', async () => {
		const { editor } = await team();
		await createPrompt(editor, input({ name: 'Analyse Python', category: 'analysis', tags: 'python' }));
		await createPrompt(editor, input({ name: 'Security review', category: 'security', tags: 'python,owasp', visibility: 'private' }));
		await createPrompt(editor, input({ name: 'Optimise SQL', description: 'Speed up slow queries', category: 'performance', tags: 'sql' }));
		const names = async (filters: Partial<typeof NO_FILTERS> | Record<string, string>) =>
			(await listPrompts(editor, { ...NO_FILTERS, ...filters } as typeof NO_FILTERS)).map((p) => p.name).sort();
		expect(await names({ q: 'slow QUER' })).toEqual(['Optimise SQL']);
		expect(await names({ category: 'security' })).toEqual(['Security review']);
		expect(await names({ tag: 'python' })).toEqual(['Analyse Python', 'Security review']);
		expect(await names({ visibility: 'private' })).toEqual(['Security review']);
		expect(await names({ visibility: 'public' })).toEqual([]);
		expect(await promptFacets(editor)).toEqual({
			categories: ['analysis', 'performance', 'security'],
			tags: ['owasp', 'python', 'sql']
		});
	});

	it('edits the descriptive fields and deletes', async () => {
		const { editor, owner } = await team();
		const { slug } = await createPrompt(editor, input({ name: 'Old' }));
		const updated = await updatePromptMeta(editor, slug, input({ name: 'New', slug: 'new-slug', category: 'c', tags: 'a,b' }));
		expect(updated.slug).toBe('new-slug');
		const prompt = await getPrompt(owner, 'new-slug');
		expect([prompt.name, prompt.category, prompt.tags]).toEqual(['New', 'c', ['a', 'b']]);
		await deletePrompt(owner, 'new-slug');
		expect((await refusal(getPrompt(owner, 'new-slug'))).status).toBe(404);
	});
});
