// A session's shared variable values over real socket.io clients: what an editor types reaches
// everyone else in the session (not the typing socket itself, but its other tabs), a late joiner
// gets the values in its snapshot, a viewer reads them and may not change them, and a value or a
// count past the bounds is refused with a message naming it and reaches nobody. Typing has its own
// share of a socket's event budget, so it can never leave that socket unable to run or cancel.
// With REDIS_URL set (as the test run sets it) the values live in Redis, as on several instances.
import { describe, expect, it } from 'vitest';
import { SESSION_LIMITS, type VariablesChangedEvent } from '$lib/realtime/session-events';
import { joinedClient, newSessionTeam, okData, request, useTestHub, type HubClientSocket } from '../helpers/hub-client';
import { eventually } from '../helpers/yjs-client';

const hub = useTestHub();

/** Every variables:changed event the socket receives, in order. */
function changesSeenBy(socket: HubClientSocket): VariablesChangedEvent[] {
	const seen: VariablesChangedEvent[] = [];
	socket.on('variables:changed', (event) => seen.push(event));
	return seen;
}

const CODE = 'def add(a, b):\n    """Add two numbers."""\n    return a + b\n';

describe('shared variable values in a session', () => {
	it('what an editor types reaches the others and the editor’s other tab, not the typing socket itself', async () => {
		const team = await newSessionTeam();
		const editor = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const editorsOtherTab = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const owner = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const viewer = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		const typing = changesSeenBy(editor.socket);
		const otherTab = changesSeenBy(editorsOtherTab.socket);
		const ownerSees = changesSeenBy(owner.socket);
		const viewerSees = changesSeenBy(viewer.socket);

		const { revision } = okData(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: { code: CODE, language: 'Python' } }));
		for (const seen of [otherTab, ownerSees, viewerSees]) await eventually(() => seen.length, (n) => n === 1);
		for (const seen of [otherTab, ownerSees, viewerSees]) {
			expect(seen[0]).toEqual({ sessionId: team.sessionId, values: { code: CODE, language: 'Python' }, revision, by: team.editor.user.username });
		}

		// The owner answers in one variable: the editor sees it, with a later revision.
		const answer = okData(await request(owner.socket, 'variables:set', { sessionId: team.sessionId, values: { language: 'Go' } }));
		expect(answer.revision).toBeGreaterThan(revision);
		await eventually(() => typing.length, (n) => n === 1);
		expect(typing[0]).toMatchObject({ values: { language: 'Go' }, by: team.owner.user.username });
		// The owner's own socket heard only the editor's change, never its own.
		expect(ownerSees).toHaveLength(1);
	});

	it('a late joiner gets the current values in its snapshot; a cleared value is gone', async () => {
		const team = await newSessionTeam();
		const early = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const fresh = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		expect(fresh.snapshot.variables).toEqual({ values: {}, revision: 0 });
		okData(await request(early.socket, 'variables:set', { sessionId: team.sessionId, values: { code: CODE, language: 'Python', task: 'sum' } }));
		const last = okData(await request(early.socket, 'variables:set', { sessionId: team.sessionId, values: { task: '' } }));

		const late = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		expect(late.snapshot.variables).toEqual({ values: { code: CODE, language: 'Python' }, revision: last.revision });
		// The same after a reload: the server keeps them, not the page.
		late.socket.disconnect();
		const again = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		expect(again.snapshot.variables?.values).toEqual({ code: CODE, language: 'Python' });
	});

	it('keeps each session’s values to itself', async () => {
		const [one, two] = await Promise.all([newSessionTeam(), newSessionTeam()]);
		const typist = await joinedClient(hub.client(one.editor.cookie), one.sessionId);
		okData(await request(typist.socket, 'variables:set', { sessionId: one.sessionId, values: { language: 'Python' } }));
		const elsewhere = await joinedClient(hub.client(two.editor.cookie), two.sessionId);
		expect(elsewhere.snapshot.variables?.values).toEqual({});
	});

	it('refuses a viewer’s change: the values stay, and nobody hears of it', async () => {
		const team = await newSessionTeam();
		const editor = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const viewer = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		okData(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: { language: 'Python' } }));
		const editorSees = changesSeenBy(editor.socket);

		const refused = await request(viewer.socket, 'variables:set', { sessionId: team.sessionId, values: { language: 'COBOL' } });
		expect(refused).toEqual({
			ok: false,
			error: { code: 'forbidden', message: 'Viewers see the variable values but cannot change them.', event: 'variables:set' }
		});
		// Had the viewer's change gone out, it would reach the editor before the owner's, sent after it.
		const owner = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		okData(await request(owner.socket, 'variables:set', { sessionId: team.sessionId, values: { task: 'after' } }));
		await eventually(() => editorSees.length, (n) => n >= 1);
		expect(editorSees.map((event) => event.values)).toEqual([{ task: 'after' }]);
		const late = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		expect(late.snapshot.variables?.values).toEqual({ language: 'Python', task: 'after' });
	});

	it('refuses a socket that has not joined the session', async () => {
		const team = await newSessionTeam();
		const outsider = await joinedClient(hub.client(team.outsider.cookie), team.sessionId).catch((error: Error) => error);
		expect(outsider).toBeInstanceOf(Error);
		const stranger = hub.client(team.editor.cookie);
		await joinedClient(stranger, team.sessionId);
		okData(await request(stranger, 'session:leave', { sessionId: team.sessionId }));
		expect(await request(stranger, 'variables:set', { sessionId: team.sessionId, values: { language: 'Go' } })).toMatchObject({
			ok: false,
			error: { code: 'forbidden', message: 'Join the session first.' }
		});
	});

	it('refuses a value past the bound and a count past the bound, naming them, and broadcasts nothing', async () => {
		const team = await newSessionTeam();
		const editor = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const owner = await joinedClient(hub.client(team.owner.cookie), team.sessionId);
		const ownerSees = changesSeenBy(owner.socket);

		const tooLong = await request(editor.socket, 'variables:set', {
			sessionId: team.sessionId,
			values: { code: 'x'.repeat(SESSION_LIMITS.variableValue + 1), language: 'Python' }
		});
		expect(tooLong).toEqual({
			ok: false,
			error: {
				code: 'invalid',
				message: 'code is 20,001 characters long; a value may be at most 20,000. It stays here and is not shared until it is shorter.',
				event: 'variables:set'
			}
		});

		const tooMany = Object.fromEntries(Array.from({ length: SESSION_LIMITS.variables + 1 }, (_, i) => [`v${i}`, 'x']));
		expect(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: tooMany })).toMatchObject({
			ok: false,
			error: { code: 'invalid', message: 'A session keeps at most 50 variables.' }
		});

		// Fifty kept, in two changes; a fifty-first in a third is refused by the server's count.
		const first = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`v${i}`, `value ${i}`]));
		const second = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`w${i}`, `value ${i}`]));
		okData(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: first }));
		okData(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: second }));
		expect(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: { one: 'more' } })).toEqual({
			ok: false,
			error: { code: 'invalid', message: 'This session already keeps 50 variable values: clear one before adding another.', event: 'variables:set' }
		});
		// Clearing one makes room.
		okData(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: { v0: '', one: 'more' } }));

		await eventually(() => ownerSees.length, (n) => n >= 3);
		expect(ownerSees.map((event) => Object.keys(event.values).length)).toEqual([30, 20, 2]);
		const late = await joinedClient(hub.client(team.viewer.cookie), team.sessionId);
		expect(Object.keys(late.snapshot.variables!.values)).toHaveLength(SESSION_LIMITS.variables);
		expect(late.snapshot.variables!.values).toMatchObject({ one: 'more', w19: 'value 19' });
		expect(late.snapshot.variables!.values).not.toHaveProperty('v0');
	});

	it('typing has its own share of the socket’s budget: past it changes wait, and a run can still be started', async () => {
		const team = await newSessionTeam();
		const editor = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const answers = [];
		for (let i = 0; i < SESSION_LIMITS.variableChangesPerWindow + 2; i++) {
			answers.push(await request(editor.socket, 'variables:set', { sessionId: team.sessionId, values: { task: `keystroke ${i}` } }));
		}
		expect(answers.slice(0, SESSION_LIMITS.variableChangesPerWindow).every((answer) => answer.ok)).toBe(true);
		expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'rate-limited', event: 'variables:set' } });
		const refusal = answers.at(-1) as { error: { retryAfterSeconds: number } };
		expect(refusal.error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
		// The rest of the window's budget is there for what matters.
		okData(await request(editor.socket, 'run:cancel', { sessionId: team.sessionId, groupId: '00000000-0000-4000-8000-000000000000' }));
		expect(editor.socket.connected).toBe(true);
	});
});
