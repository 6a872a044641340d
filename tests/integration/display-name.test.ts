// A display name is what others see of a person: beside their cursor in a live draft (the server
// vouches for the name, whatever the client claims), in a live session's participants and in the
// members list (with the username beside it). Cleared, the username is shown again.
import { describe, expect, it } from 'vitest';
import { setDisplayName } from '$lib/server/auth';
import { listMembers } from '$lib/server/workspaces';
import { joinedClient, newSessionTeam, useTestHub } from '../helpers/hub-client';
import { prisma } from '../helpers/db';
import { useYjsServer, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';

const yjs = useYjsServer();
const hub = useTestHub();

const nameOf = (observer: TestClient, person: TestClient) => observer.provider.awareness.getStates().get(person.doc.clientID)?.user;

describe('a display name', () => {
	it('is what others see beside the person in a live draft, whatever name their client claims', async () => {
		const team = await newPromptTeam();
		await setDisplayName(team.owner.user.id, '  Ada   Lovelace ');
		const owner = yjs.client(team.promptId, team.owner.cookie);
		const editor = yjs.client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		owner.provider.awareness.setLocalStateField('user', { name: team.editor.user.username });
		await expect.poll(() => nameOf(editor, owner)).toEqual({ name: 'Ada Lovelace' });
	});

	it('cleared, the username is shown again', async () => {
		const team = await newPromptTeam();
		await setDisplayName(team.owner.user.id, 'Temporary Name');
		expect(await setDisplayName(team.owner.user.id, '   ')).toBeNull();
		const owner = yjs.client(team.promptId, team.owner.cookie);
		const editor = yjs.client(team.promptId, team.editor.cookie);
		await Promise.all([owner.synced(), editor.synced()]);
		owner.provider.awareness.setLocalStateField('cursor', 'line 1');
		await expect.poll(() => nameOf(editor, owner)).toEqual({ name: team.owner.user.username });
		expect((await (await prisma()).user.findUniqueOrThrow({ where: { id: team.owner.user.id } })).displayName).toBeNull();
	});

	it("is how a person is listed among a live session's participants", async () => {
		const team = await newSessionTeam();
		await setDisplayName(team.editor.user.id, 'Grace H.');
		const { snapshot } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		expect(snapshot.participants.find((p) => p.userId === team.editor.user.id)?.username).toBe('Grace H.');
	});

	it('appears in the members list beside the username', async () => {
		const team = await newPromptTeam();
		await setDisplayName(team.viewer.user.id, 'Vera Viewer');
		const members = await listMembers(team.workspaceId);
		expect(members.find((m) => m.userId === team.viewer.user.id)).toMatchObject({ username: team.viewer.user.username, displayName: 'Vera Viewer' });
		expect(members.find((m) => m.userId === team.editor.user.id)?.displayName).toBeNull();
	});

	it('refuses invisible and control characters, and names past 64 characters, storing nothing', async () => {
		const team = await newPromptTeam();
		for (const bad of ['Ada\u202Eecalevol', 'A\u200Bda', 'Bell\u0007', 'x'.repeat(65), '---']) {
			await expect(setDisplayName(team.owner.user.id, bad)).rejects.toMatchObject({ status: 400, field: 'displayName' });
		}
		expect((await (await prisma()).user.findUniqueOrThrow({ where: { id: team.owner.user.id } })).displayName).toBeNull();
	});
});
