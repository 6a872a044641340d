// A workspace with a prompt and the people around it (owner, editor, viewer, outsider), each with a
// session cookie, for tests of the live draft and its sockets.
import { expect } from 'vitest';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { SESSION_COOKIE, createSession, generateSessionToken, type SessionUser } from '$lib/server/auth';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { addMember, type Member } from '$lib/server/workspaces';
import { memberOf, newUser, newWorkspace } from './people';
import { uniquePromptName } from './unique';
import { eventually, type TestClient } from './yjs-client';

export interface Person {
	user: SessionUser;
	/** `auth-session=<token>`, as a browser would send it on the upgrade request. */
	cookie: string;
}

export async function cookieFor(user: SessionUser): Promise<string> {
	const token = generateSessionToken();
	await createSession(token, user.id);
	return `${SESSION_COOKIE}=${token}`;
}

async function person(user: SessionUser): Promise<Person> {
	return { user, cookie: await cookieFor(user) };
}

export interface PromptTeam {
	promptId: string;
	workspaceId: string;
	workspaceSlug: string;
	promptSlug: string;
	promptName: string;
	owner: Person & { member: Member };
	editor: Person & { member: Member };
	viewer: Person & { member: Member };
	outsider: Person;
}

export async function newPromptTeam(options: { visibility?: 'private' | 'workspace' | 'public'; createdBy?: 'owner' | 'editor' } = {}): Promise<PromptTeam> {
	const { owner, slug } = await newWorkspace('yjs');
	const editorUser = await newUser('yed');
	const viewerUser = await newUser('yvw');
	const outsiderUser = await newUser('yout');
	await addMember(owner, editorUser.username, 'editor');
	await addMember(owner, viewerUser.username, 'viewer');
	const editor = await memberOf(editorUser, slug);
	const viewer = await memberOf(viewerUser, slug);
	const author = options.createdBy === 'editor' ? editor : owner;
	const input = promptMetaSchema.parse({ name: uniquePromptName('Live'), visibility: options.visibility ?? 'workspace' });
	const created = await createPrompt(author, input);
	const prompt = await getPrompt(author, created.slug);
	return {
		promptId: prompt.id,
		workspaceId: owner.workspace.id,
		workspaceSlug: slug,
		promptSlug: prompt.slug,
		promptName: prompt.name,
		owner: { ...(await person(owner.user)), member: owner },
		editor: { ...(await person(editorUser)), member: editor },
		viewer: { ...(await person(viewerUser)), member: viewer },
		outsider: await person(outsiderUser)
	};
}

/** Two editors of the team's prompt in sync: the bystanders who must not notice someone else's bad message. */
export async function bystanders(client: (promptId: string, cookie: string) => TestClient, team: PromptTeam): Promise<[TestClient, TestClient]> {
	const a = client(team.promptId, team.owner.cookie);
	const b = client(team.promptId, team.editor.cookie);
	await Promise.all([a.synced(), b.synced()]);
	return [a, b];
}

/** The bystanders still edit together, and neither socket was closed. */
export async function stillEditing([a, b]: [TestClient, TestClient], marker: string): Promise<void> {
	a.type(marker);
	await eventually(() => b.text(), (text) => text.includes(marker));
	expect(a.closes.concat(b.closes)).toEqual([]);
}
