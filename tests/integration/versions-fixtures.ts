// What the versions tests build on: a workspace with an owner, two editors (an author and a
// reviewer) and a viewer, one prompt, and its live draft changed only through the real drafts
// module (readDraftContent / updateDraft), the same door the versions service uses.
import * as Y from 'yjs';
import { readMeta, writeDraft, type DraftContent } from '$lib/prompt-doc';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import * as draftApi from '$lib/server/drafts';
import { addMember } from '$lib/server/workspaces';
import { memberOf, newUser, newWorkspace } from '../helpers/people';
import { uniquePromptName } from '../helpers/unique';

export function sample(over: Partial<DraftContent> = {}): DraftContent {
	return {
		systemPrompt: 'You are a careful security reviewer.',
		userPromptTemplate: 'Review this {{language}} code:\n{{code}}',
		fewShotExamples: [{ input: 'eval(input())', output: 'Never eval user input.' }],
		parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 1024 },
		...over
	};
}

export async function versionTeam(base = 'versions') {
	const { owner, slug: ws } = await newWorkspace(base);
	const [authorUser, reviewerUser, viewerUser] = await Promise.all([newUser('author'), newUser('reviewer'), newUser('viewer')]);
	await addMember(owner, authorUser.username, 'editor');
	await addMember(owner, reviewerUser.username, 'editor');
	await addMember(owner, viewerUser.username, 'viewer');
	const [author, reviewer, viewer] = await Promise.all([memberOf(authorUser, ws), memberOf(reviewerUser, ws), memberOf(viewerUser, ws)]);
	const { slug: prompt } = await createPrompt(author, promptMetaSchema.parse({ name: uniquePromptName('Review') }));
	const promptId = (await getPrompt(owner, prompt)).id;
	return { ws, owner, author, reviewer, viewer, prompt, promptId };
}

/** Types into the draft as an editor would (a change to the authoritative document). */
export async function setDraft(promptId: string, content: DraftContent): Promise<void> {
	await draftApi.updateDraft(promptId, (doc) => writeDraft(doc, content));
}

export async function draftMeta(promptId: string) {
	let meta = readMeta(new Y.Doc());
	await draftApi.updateDraft(promptId, (doc) => (meta = readMeta(doc)));
	return meta;
}

export const readDraftContent = (promptId: string) => draftApi.readDraftContent(promptId);

/** An open editor: a replica of the draft that receives every stored update, as a Yjs room would. */
export async function openEditor(promptId: string) {
	const replica = new Y.Doc();
	const listener = { stored: (update: Uint8Array) => Y.applyUpdate(replica, update), gone: () => {} };
	const draft = await draftApi.acquireDraft(promptId, listener);
	Y.applyUpdate(replica, Y.encodeStateAsUpdate(draft.doc));
	return { doc: replica, close: () => draft.release(listener) };
}
