// Who may open a session socket and what each role may do there: the session cookie decides who,
// the prompt's rule decides whether they see the session, the workspace role whether they run it,
// and a removal or demotion reaches a socket that is already in the session.
import { describe, expect, it, vi } from 'vitest';
import type { Participant } from '$lib/realtime/session-events';
import { changeRole, removeMember } from '$lib/server/workspaces';
import { connected, joinedClient, newSessionTeam, okData, request, runRequest, sessionRows, useTestHub, type HubClientSocket } from '../helpers/hub-client';

const hub = useTestHub();

/** The participants of every session:presence event the socket receives, newest last. */
function presenceSeenBy(socket: HubClientSocket) {
	const seen: Participant[][] = [];
	socket.on('session:presence', ({ participants }) => seen.push(participants));
	return () => (seen.at(-1) ?? []).map((p) => `${p.username}:${p.role}:${p.connections}`).sort();
}

describe('opening a session socket', () => {
	it('refuses a signed-out client with "Sign in…"', async () => {
		const socket = hub.client(null);
		await expect(connected(socket)).rejects.toMatchObject({ message: 'Sign in to join generation sessions.', data: { code: 'unauthorized' } });
		expect(socket.connected).toBe(false);
	});

	it('refuses a forged session cookie the same way', async () => {
		const socket = hub.client('auth-session=not-a-real-token');
		await expect(connected(socket)).rejects.toMatchObject({ message: 'Sign in to join generation sessions.' });
	});

	it('refuses a page of another site, even with a valid cookie, and lets our own origin in', async () => {
		const team = await newSessionTeam();
		const foreign = hub.client(team.editor.cookie, { origin: 'https://evil.example' });
		// The handshake itself is refused (engine.io's allowRequest): no socket.io connection exists.
		const refusal = (await connected(foreign).catch((error) => error)) as Error & { type?: string; description?: Error };
		expect(refusal).toMatchObject({ message: 'websocket error', type: 'TransportError' });
		expect(refusal.description?.message).toMatch(/Unexpected server response: 4\d\d/);
		expect(foreign.connected).toBe(false);

		const ours = hub.client(team.editor.cookie, { origin: hub.hub().url });
		await connected(ours);
		okData(await request(ours, 'session:join', { sessionId: team.sessionId }));
	});
});

describe('joining a session', () => {
	it('tells a signed-in outsider the session is not found', async () => {
		const team = await newSessionTeam();
		const outsider = hub.client(team.outsider.cookie);
		await connected(outsider);
		const answer = await request(outsider, 'session:join', { sessionId: team.sessionId });
		expect(answer).toMatchObject({ ok: false, error: { code: 'not-found', event: 'session:join' } });
	});

	it('keeps the session of a private prompt to its author and the owners', async () => {
		const team = await newSessionTeam(undefined, { visibility: 'private', createdBy: 'owner' });
		const editor = hub.client(team.editor.cookie);
		await connected(editor);
		expect(await request(editor, 'session:join', { sessionId: team.sessionId })).toMatchObject({ ok: false, error: { code: 'not-found' } });

		const owner = hub.client(team.owner.cookie);
		await connected(owner);
		expect(okData(await request(owner, 'session:join', { sessionId: team.sessionId })).canRun).toBe(true);
	});

	it('refuses run:start, run:cancel and run:resync from a socket that has not joined, and writes nothing', async () => {
		const team = await newSessionTeam();
		const editor = hub.client(team.editor.cookie);
		await connected(editor);
		const start = await request(editor, 'run:start', runRequest(team));
		expect(start).toEqual({ ok: false, error: { code: 'forbidden', message: 'Join the session first.', event: 'run:start' } });
		const cancel = await request(editor, 'run:cancel', { sessionId: team.sessionId, groupId: crypto.randomUUID() });
		expect(cancel).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Join the session first.' } });
		const resync = await request(editor, 'run:resync', { sessionId: team.sessionId, executionId: crypto.randomUUID(), afterSeq: 0 });
		expect(resync).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});
});

describe('a viewer in a session', () => {
	it('is told it cannot run; no history row is written and the model is never called', async () => {
		const team = await newSessionTeam();
		const { socket: viewer, snapshot } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		expect(snapshot.canRun).toBe(false);
		const answer = await request(viewer, 'run:start', runRequest(team));
		expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden', event: 'run:start' } });
		if (!answer.ok) expect(answer.error.message).toMatch(/editors and owners run them/);
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});

	it('cannot cancel an editor’s run, which goes on to succeed', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['a', 'b', 'c', 'd', 'e', 'f'], delayMs: 40 });
		const { socket: editor } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: viewer, seen } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const { groupId, runs } = okData(await request(editor, 'run:start', runRequest(team)));

		const answer = await request(viewer, 'run:cancel', { sessionId: team.sessionId, groupId });
		expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden', event: 'run:cancel' } });
		const final = await seen.finishedRun(runs[0]!.executionId);
		expect(final).toMatchObject({ status: 'succeeded', text: 'abcdef' });
		expect(hub.tgi().requests[0]!.clientClosed).toBe(false);
	});
});

describe('an editor of one session', () => {
	it('cannot cancel a run of another session, whatever group id it sends', async () => {
		const mine = await newSessionTeam();
		const theirs = await newSessionTeam();
		hub.tgi().script({ tokens: ['x', 'y', 'z', '!'], delayMs: 40 });
		const { socket: theirEditor, seen } = await joinedClient(hub.client(theirs.editor.cookie), theirs.sessionId);
		const { groupId, runs } = okData(await request(theirEditor, 'run:start', runRequest(theirs)));

		const { socket: intruder } = await joinedClient(hub.client(mine.editor.cookie), mine.sessionId);
		expect(okData(await request(intruder, 'run:cancel', { sessionId: mine.sessionId, groupId }))).toEqual({ cancelled: 0 });
		expect(await request(intruder, 'run:cancel', { sessionId: theirs.sessionId, groupId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		expect(await seen.finishedRun(runs[0]!.executionId)).toMatchObject({ status: 'succeeded', text: 'xyz!' });
	});
});

describe('presence', () => {
	it('lists each user once with their role and open tabs, and updates when a tab closes or someone leaves', async () => {
		const team = await newSessionTeam();
		const { socket: viewer } = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const latest = presenceSeenBy(viewer);
		const { socket: firstTab } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { snapshot } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);

		const ed = team.editor.user.username;
		const vw = team.viewer.user.username;
		// The second tab's own snapshot already counts both of its user's connections.
		expect(snapshot.participants.map((p) => `${p.username}:${p.role}:${p.connections}`).sort()).toEqual([`${ed}:editor:2`, `${vw}:viewer:1`].sort());
		await vi.waitFor(() => expect(latest()).toEqual([`${ed}:editor:2`, `${vw}:viewer:1`].sort()));

		firstTab.disconnect();
		await vi.waitFor(() => expect(latest()).toEqual([`${ed}:editor:1`, `${vw}:viewer:1`].sort()));

		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const ownerSees = presenceSeenBy(owner);
		okData(await request(viewer, 'session:leave', { sessionId: team.sessionId }));
		await vi.waitFor(() => expect(ownerSees()).toEqual([`${ed}:editor:1`, `${team.owner.user.username}:owner:1`].sort()));
	});
});

describe('a workspace change while in a session', () => {
	it('a member removed from the workspace is told at once and can no longer run or rejoin', async () => {
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const ownerSees = presenceSeenBy(owner);

		await removeMember(team.owner.member, team.editor.user.id);
		await vi.waitFor(() => expect(seen.errors).toContainEqual({ code: 'forbidden', message: 'You no longer have access to this session.', event: 'session:join' }));
		expect(await request(editor, 'run:start', runRequest(team))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		expect(await request(editor, 'session:join', { sessionId: team.sessionId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
		await vi.waitFor(() => expect(ownerSees()).toEqual([`${team.owner.user.username}:owner:1`]));
		expect(await sessionRows(team.sessionId)).toEqual([]);
		expect(hub.tgi().requests).toHaveLength(0);
	});

	it('an editor demoted to viewer stays in the session but can no longer run', async () => {
		const team = await newSessionTeam();
		const { socket: editor, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		await changeRole(team.owner.member, team.editor.user.id, 'viewer');
		const answer = await request(editor, 'run:start', runRequest(team));
		expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden', event: 'run:start' } });
		expect(seen.errors).toEqual([]);
		expect(await sessionRows(team.sessionId)).toEqual([]);
	});

	it('an editor demoted to viewer is shown to the others as a viewer', async () => {
		const team = await newSessionTeam();
		await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { socket: owner } = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const ownerSees = presenceSeenBy(owner);
		await vi.waitFor(() => expect(ownerSees()).toContain(`${team.editor.user.username}:editor:1`));
		await changeRole(team.owner.member, team.editor.user.id, 'viewer');
		await vi.waitFor(() => expect(ownerSees()).toContain(`${team.editor.user.username}:viewer:1`), { timeout: 2000 });
	});
});
