// Who may open a draft socket and what they may do there: the session cookie decides who, the
// workspace role decides read or write, and a role change or removal reaches an open socket.
import { describe, expect, it } from 'vitest';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { prismaDraftStore } from '$lib/server/drafts';
import { deletePrompt, updatePromptMeta } from '$lib/server/prompts';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { changeRole, removeMember, leaveWorkspace } from '$lib/server/workspaces';
import { eventually, useYjsServer } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';
import { prisma } from '../helpers/db';
import type { IncomingMessage } from 'node:http';
import { sameOrigin } from '../../realtime/http-auth';

const yjs = useYjsServer();
const client = yjs.client;

/** Whether any stored byte of the draft (snapshot or log) holds `text`. */
async function storedAnywhere(promptId: string, text: string): Promise<boolean> {
	const stored = await prismaDraftStore.load(promptId);
	const needle = Buffer.from(text);
	return [stored!.snapshot, ...stored!.updates.map((row) => row.update)].some((bytes) => Buffer.from(bytes).includes(needle));
}

describe('opening a draft socket', () => {
	it('refuses a signed-out client with 4401 and does not retry', async () => {
		const team = await newPromptTeam();
		const anonymous = client(team.promptId, null);
		expect(await anonymous.closed()).toEqual({ code: YJS_CLOSE.unauthorized, reason: 'Sign in to edit this prompt.' });
		const forged = client(team.promptId, 'auth-session=not-a-real-token');
		expect((await forged.closed()).code).toBe(YJS_CLOSE.unauthorized);
		// 44xx is final: the provider has stopped reconnecting (its pending retry finds nothing to do).
		for (const refused of [anonymous, forged]) {
			expect(refused.provider.shouldConnect).toBe(false);
			expect(refused.provider.ws).toBeNull();
		}
		expect(anonymous.closes).toHaveLength(1);
		expect(anonymous.text()).toBe('');
	});

	it('refuses a non-member with 4403', async () => {
		const team = await newPromptTeam();
		const outsider = client(team.promptId, team.outsider.cookie);
		expect(await outsider.closed()).toEqual({ code: YJS_CLOSE.forbidden, reason: 'You do not have access to this prompt.' });
	});

	it('keeps a private prompt to its author and the owners', async () => {
		const team = await newPromptTeam({ visibility: 'private', createdBy: 'owner' });
		expect((await client(team.promptId, team.editor.cookie).closed()).code).toBe(YJS_CLOSE.forbidden);
		await client(team.promptId, team.owner.cookie).synced();
	});

	it('refuses a page from another site', async () => {
		const team = await newPromptTeam();
		const { WebSocket } = await import('ws');
		const socket = new WebSocket(`${yjs.server().url}/${team.promptId}`, { headers: { cookie: team.editor.cookie, origin: 'https://evil.example' } });
		const [code] = await new Promise<[number, Buffer]>((resolve) => socket.once('close', (...args) => resolve(args)));
		expect(code).toBe(YJS_CLOSE.forbidden);
	});

	it('refuses a page from another site that forges X-Forwarded-Host to match it (no HOST_HEADER configured)', async () => {
		const team = await newPromptTeam();
		const { WebSocket } = await import('ws');
		const socket = new WebSocket(`${yjs.server().url}/${team.promptId}`, {
			headers: { cookie: team.editor.cookie, origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' }
		});
		const [code] = await new Promise<[number, Buffer]>((resolve) => socket.once('close', (...args) => resolve(args)));
		expect(code).toBe(YJS_CLOSE.forbidden);
	});
});

describe("a socket's Origin against the studio's host", () => {
	const opening = (headers: Record<string, string>) => ({ headers }) as IncomingMessage;

	it('matches the Host header, and a forwarded host only where HOST_HEADER names it', () => {
		const ours = opening({ host: 'studio.internal:3000', origin: 'http://studio.internal:3000' });
		expect(sameOrigin(ours, null)).toBe(true);
		const proxied = opening({ host: 'studio.internal:3000', origin: 'https://studio.example.com', 'x-forwarded-host': 'studio.example.com' });
		expect(sameOrigin(proxied, null)).toBe(false);
		expect(sameOrigin(proxied, 'x-forwarded-host')).toBe(true);
		// A proxy configured with a header of its own: x-forwarded-host is just another client header.
		expect(sameOrigin(proxied, 'x-real-host')).toBe(false);
		expect(sameOrigin(opening({ host: 'studio.internal:3000', origin: 'https://evil.example', 'x-forwarded-host': 'studio.example.com' }), 'x-forwarded-host')).toBe(false);
	});
});

describe('a viewer on a draft', () => {
	it('receives everyone’s edits, and every update it sends is dropped, counted and never stored', async () => {
		const team = await newPromptTeam();
		const editor = client(team.promptId, team.editor.cookie);
		const viewer = client(team.promptId, team.viewer.cookie);
		await Promise.all([editor.synced(), viewer.synced()]);
		const droppedBefore = yjs.server().yjs.metrics().droppedViewerUpdates;

		viewer.type('viewer-wrote-this');
		viewer.doc.getMap('params').set('temperature', 2);
		await expect.poll(() => yjs.server().yjs.metrics().droppedViewerUpdates).toBe(droppedBefore + 2);

		// Counted means dropped: neither reached the draft, so neither can reach the editor later.
		editor.type('editor-wrote-this');
		await eventually(() => viewer.text(), (t) => t.includes('editor-wrote-this'));
		expect(editor.text()).toBe('editor-wrote-this');
		expect(editor.doc.getMap('params').get('temperature')).toBe(0.7);
		expect(await storedAnywhere(team.promptId, 'editor-wrote-this')).toBe(true);
		expect(await storedAnywhere(team.promptId, 'viewer-wrote-this')).toBe(false);
	});

	it('may share its presence, under its own name whatever name it claims', async () => {
		const team = await newPromptTeam();
		const editor = client(team.promptId, team.editor.cookie);
		const viewer = client(team.promptId, team.viewer.cookie);
		await Promise.all([editor.synced(), viewer.synced()]);
		viewer.provider.awareness.setLocalStateField('user', { name: team.owner.member.user.username, color: '#aa3377' });
		const seen = await eventually(
			() => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user,
			(user) => user?.color === '#aa3377'
		);
		expect(seen).toEqual({ name: team.viewer.member.user.username, color: '#aa3377' });
	});
});

describe('presence', () => {
	it('lets no socket speak for another’s presence', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const editor = client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		owner.provider.awareness.setLocalStateField('cursor', 'owner-here');
		await eventually(
			() => editor.provider.awareness.getStates().get(owner.doc.clientID)?.cursor,
			(cursor) => cursor === 'owner-here'
		);
		// The editor forges an entry under the owner's awareness id, with a later clock.
		const { encodeAwarenessUpdate, Awareness } = await import('y-protocols/awareness');
		const forger = new Awareness(new (await import('yjs')).Doc());
		forger.clientID = owner.doc.clientID;
		forger.setLocalState({ cursor: 'forged', user: { name: 'someone else' } });
		for (let i = 0; i < 5; i++) forger.setLocalState({ cursor: 'forged', user: { name: 'someone else' }, i });
		const refusedBefore = yjs.server().yjs.metrics().droppedPresenceClaims;
		editor.provider.ws!.send(
			(() => {
				const bytes = encodeAwarenessUpdate(forger, [owner.doc.clientID]);
				const frame = new Uint8Array(bytes.length + 2);
				frame[0] = 1; // awareness
				frame[1] = bytes.length; // varUint length (< 128 here)
				frame.set(bytes, 2);
				return frame;
			})()
		);
		editor.provider.awareness.setLocalStateField('cursor', 'editor-after'); // a marker sent after the forgery
		await eventually(
			() => owner.provider.awareness.getStates().get(editor.doc.clientID)?.cursor,
			(cursor) => cursor === 'editor-after'
		);
		expect(owner.provider.awareness.getStates().get(owner.doc.clientID)?.cursor).toBe('owner-here');
		expect(yjs.server().yjs.metrics().droppedPresenceClaims).toBe(refusedBefore + 1);
		const third = client(team.promptId, team.viewer.cookie);
		await third.synced();
		await eventually(
			() => third.provider.awareness.getStates().get(owner.doc.clientID)?.cursor,
			(cursor) => cursor !== undefined
		);
		expect(third.provider.awareness.getStates().get(owner.doc.clientID)?.cursor).toBe('owner-here');
		forger.destroy();
	});
});

describe('role changes on an open socket', () => {
	it('drops an editor’s writes from the moment they become a viewer, and applies them again once an editor', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const editor = client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		editor.type('before ');
		await eventually(() => owner.text(), (t) => t === 'before ');

		await changeRole(team.owner.member, team.editor.user.id, 'viewer');
		const dropped = yjs.server().yjs.metrics().droppedViewerUpdates;
		editor.type('while-viewer ');
		await expect.poll(() => yjs.server().yjs.metrics().droppedViewerUpdates).toBe(dropped + 1);
		expect(owner.text()).toBe('before ');
		expect(await storedAnywhere(team.promptId, 'while-viewer')).toBe(false);

		// Once an editor again, the client's document syncs whole: Yjs cannot take its later edits
		// without the earlier ones (the editor page is read-only for viewers, so there are none).
		await changeRole(team.owner.member, team.editor.user.id, 'editor');
		editor.doc.getText('system').insert(0, 'editor again');
		await eventually(() => owner.text('system'), (t) => t === 'editor again');
	});

	it('closes the socket of a member who is removed, or who leaves, with 4403', async () => {
		const team = await newPromptTeam();
		const editor = client(team.promptId, team.editor.cookie);
		const viewer = client(team.promptId, team.viewer.cookie);
		const owner = client(team.promptId, team.owner.cookie);
		await Promise.all([editor.synced(), viewer.synced(), owner.synced()]);

		await removeMember(team.owner.member, team.editor.user.id);
		expect(await editor.closed()).toEqual({ code: YJS_CLOSE.forbidden, reason: 'You were removed from this workspace.' });
		await leaveWorkspace(team.viewer.member);
		expect((await viewer.closed()).code).toBe(YJS_CLOSE.forbidden);

		owner.type('still here');
		await expect.poll(() => storedAnywhere(team.promptId, 'still here')).toBe(true);
		expect(owner.closes).toEqual([]);
	});
});

describe('prompt changes on open sockets', () => {
	it('closes everyone’s socket with 4404 when the prompt is deleted', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const editor = client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		await deletePrompt(team.owner.member, team.promptSlug); // announces the deletion itself
		expect(await owner.closed()).toEqual({ code: YJS_CLOSE.notFound, reason: 'This prompt was deleted.' });
		expect((await editor.closed()).code).toBe(YJS_CLOSE.notFound);
	});

	it('closes the sockets with 4404 on the next edit when nobody announced the deletion', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		await owner.synced();
		// Another instance deleted it: this process hears of it only through a failed append.
		await (await prisma()).prompt.delete({ where: { id: team.promptId } });
		owner.type('into the void'); // the append fails (no prompt), the draft finds the prompt gone
		expect((await owner.closed()).code).toBe(YJS_CLOSE.notFound);
	});

	it('closes the sockets of people who can no longer see a prompt made private', async () => {
		const team = await newPromptTeam();
		const owner = client(team.promptId, team.owner.cookie);
		const viewer = client(team.promptId, team.viewer.cookie);
		await Promise.all([owner.synced(), viewer.synced()]);
		const privately = promptMetaSchema.parse({ name: team.promptName, slug: team.promptSlug, visibility: 'private' });
		await updatePromptMeta(team.owner.member, team.promptSlug, privately); // announces the change itself
		expect((await viewer.closed()).code).toBe(YJS_CLOSE.forbidden);
		owner.type('owner still edits');
		await expect.poll(() => storedAnywhere(team.promptId, 'owner still edits')).toBe(true);
	});
});
