// The check a client's draft update passes before the server applies it, on the update an editor
// sends when it reconnects: its answer to the server's sync step 1 holds its offline edits and its
// whole delete set, which includes deletions the server made itself (a commit overwrites meta's
// latestVersion). Those change nothing and must not read as the client writing meta.
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ROOTS } from '$lib/prompt-doc';
import { checkClientUpdate } from '$lib/server/drafts/validate';

/** A server copy and an editor's copy in sync, after two commits moved meta's latestVersion. */
function syncedAfterTwoCommits() {
	const server = new Y.Doc();
	server.getText(ROOTS.template).insert(0, 'Generate {{language}} code: {{task}}');
	server.getMap(ROOTS.meta).set('latestVersion', 1);
	server.getMap(ROOTS.meta).set('latestVersion', 2); // deletes the item that held 1
	const editor = new Y.Doc();
	Y.applyUpdate(editor, Y.encodeStateAsUpdate(server));
	return { server, editor };
}

/** What the editor answers to the server's sync step 1. */
const answer = (editor: Y.Doc, server: Y.Doc) => Y.encodeStateAsUpdate(editor, Y.encodeStateVector(server));

describe('a reconnecting editor’s update', () => {
	it('passes with its offline edits, though its delete set repeats the server’s own deletion in meta', () => {
		const { server, editor } = syncedAfterTwoCommits();
		editor.getText(ROOTS.system).insert(0, 'Answer with code only.');
		const update = answer(editor, server);
		expect(Y.decodeUpdate(update).ds.clients.has(server.clientID)).toBe(true);
		expect(checkClientUpdate(server, update)).toEqual({ ok: true });
		Y.applyUpdate(server, update);
		expect(server.getText(ROOTS.system).toString()).toBe('Answer with code only.');
		expect(server.getMap(ROOTS.meta).get('latestVersion')).toBe(2);
	});

	it('is still refused when it deletes meta the server holds', () => {
		const { server, editor } = syncedAfterTwoCommits();
		editor.getMap(ROOTS.meta).delete('latestVersion');
		expect(checkClientUpdate(server, answer(editor, server))).toMatchObject({ ok: false, problem: 'forbidden-root' });
	});
});
