// The core path of a shared session: two participants, one run of both models, both see the same text.
import { describe, expect, it } from 'vitest';
import { connected, newSessionTeam, okData, request, SessionWatcher, useTestHub } from '../helpers/hub-client';

const hub = useTestHub();

describe('a generation session', () => {
	it('streams both models to every participant with consecutive sequence numbers', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['def ', 'add', '(a, b):', '\n    return a + b'], delayMs: 5 });
		const editor = hub.client(team.editor.cookie);
		const viewer = hub.client(team.viewer.cookie);
		await Promise.all([connected(editor), connected(viewer)]);
		const seen = new SessionWatcher(viewer);
		const joined = okData(await request(viewer, 'session:join', { sessionId: team.sessionId }));
		expect(joined.canRun).toBe(false);
		okData(await request(editor, 'session:join', { sessionId: team.sessionId }));
		const started = okData(
			await request(editor, 'run:start', {
				sessionId: team.sessionId,
				source: { kind: 'version', versionNumber: 1 },
				variables: { language: 'Python', task: 'add two numbers' },
				models: ['whiterabbitneo', 'codet5p']
			})
		);
		expect(started.runs).toHaveLength(2);
		for (const run of started.runs) {
			const final = await seen.finishedRun(run.executionId);
			expect(final.status).toBe('succeeded');
			expect(final.text).toBe('def add(a, b):\n    return a + b');
			expect(seen.textOf(run.executionId)).toBe(final.text);
			expect(seen.seqsOf(run.executionId)).toEqual([1, 2, 3, 4]);
		}
	});
});
