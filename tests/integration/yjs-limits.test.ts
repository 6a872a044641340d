// What the draft socket refuses: messages too large, bytes that are not the protocol, updates to
// the server's own parts of the draft, a draft grown past its size limit. Each closes only the
// offending socket, with a code and a reason; everyone else keeps editing.
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { readMeta, ROOTS, writeMeta } from '$lib/prompt-doc';
import { YJS_CLOSE, YJS_LIMITS } from '$lib/realtime/yjs-protocol';
import { configureDrafts, readDraftContent, updateDraft, withDraft } from '$lib/server/drafts';
import { eventually, rawClosed, rawSocket, useYjsServer } from '../helpers/yjs-client';
import { bystanders, newPromptTeam, stillEditing } from '../helpers/yjs-team';

const yjs = useYjsServer();
const client = yjs.client;


async function opened(socket: WebSocket): Promise<WebSocket> {
	await new Promise((resolve) => socket.once('open', resolve));
	return socket;
}

describe('limits and malformed messages', () => {
	it('closes a socket that sends a message over the size limit with 4413, and no other', async () => {
		const team = await newPromptTeam();
		const others = await bystanders(client, team);
		const socket = await opened(rawSocket(yjs.server(), team.promptId, team.editor.cookie));
		const closed = rawClosed(socket);
		socket.send(new Uint8Array(YJS_LIMITS.maxMessageBytes + 1));
		expect(await closed).toEqual({ code: YJS_CLOSE.tooLarge, reason: `Messages may be at most ${YJS_LIMITS.maxMessageBytes} bytes.` });
		await stillEditing(others, 'after-oversize');
	});

	it('closes a socket that sends garbage with 4400, and no other', async () => {
		const team = await newPromptTeam();
		const others = await bystanders(client, team);
		const garbage: Array<[string, Uint8Array | string]> = [
			['an unknown message type', Uint8Array.of(9, 1, 2, 3)],
			['a truncated sync message', Uint8Array.of(0, 2, 50, 1, 2)],
			['a sync update that is not a Yjs update', Uint8Array.of(0, 2, 4, 0xff, 0xfe, 0xfd, 0xfc)],
			['a state vector that is not one', Uint8Array.of(0, 0, 3, 0xff, 0xff, 0xff)],
			['a broken awareness update', Uint8Array.of(1, 3, 5, 0xff, 0xff)],
			['a text frame', 'hello']
		];
		for (const [what, message] of garbage) {
			const socket = await opened(rawSocket(yjs.server(), team.promptId, team.editor.cookie));
			const closed = rawClosed(socket);
			socket.send(message);
			expect((await closed).code, what).toBe(YJS_CLOSE.malformed);
		}
		await stillEditing(others, 'after-garbage');
	});

	it('refuses an update to the server-only meta part, or to a part the draft does not have', async () => {
		const team = await newPromptTeam();
		await updateDraft(team.promptId, (doc) => writeMeta(doc, { latestVersion: 1 }));
		const others = await bystanders(client, team);
		const forger = client(team.promptId, team.editor.cookie);
		await forger.synced();
		forger.doc.getMap(ROOTS.meta).set('latestVersion', 99);
		const closed = await forger.closed();
		expect(closed.code).toBe(YJS_CLOSE.malformed);
		expect(closed.reason).toContain('"meta"');

		const inventor = client(team.promptId, team.editor.cookie);
		await inventor.synced();
		inventor.doc.getText('evil').insert(0, 'x');
		expect((await inventor.closed()).reason).toContain('"evil"');

		const eraser = client(team.promptId, team.editor.cookie);
		await eraser.synced();
		eraser.doc.getMap(ROOTS.meta).delete('latestVersion'); // an update that only deletes
		expect((await eraser.closed()).reason).toContain('"meta"');

		expect(await withDraft(team.promptId, (draft) => readMeta(draft.doc).latestVersion)).toBe(1);
		expect(others[0].doc.getMap(ROOTS.meta).get('latestVersion')).toBe(1);
		await stillEditing(others, 'after-forgery');
	});

	it('accepts edits nested inside few-shot examples', async () => {
		const team = await newPromptTeam();
		const [a, b] = await bystanders(client, team);
		const { Map: YMap, Text: YText } = await import('yjs');
		const example = new YMap<InstanceType<typeof YText>>();
		example.set('input', new YText('in'));
		example.set('output', new YText('out'));
		a.doc.getArray(ROOTS.examples).push([example]);
		await eventually(() => b.doc.getArray(ROOTS.examples).length, (n) => n === 1);
		const nested = b.doc.getArray<typeof example>(ROOTS.examples).get(0).get('output')!;
		nested.insert(nested.length, 'put, edited by b');
		await eventually(() => example.get('output')!.toString(), (t) => t === 'output, edited by b');
		expect((await readDraftContent(team.promptId)).fewShotExamples).toEqual([{ input: 'in', output: 'output, edited by b' }]);
		expect(a.closes.concat(b.closes)).toEqual([]);
	});

	it('refuses an update that would grow the draft past its size limit with 4413', async () => {
		configureDrafts({ maxDocumentBytes: 4096 });
		const team = await newPromptTeam();
		const others = await bystanders(client, team);
		const bulky = client(team.promptId, team.editor.cookie);
		await bulky.synced();
		bulky.type('x'.repeat(5000));
		const closed = await bulky.closed();
		expect(closed.code).toBe(YJS_CLOSE.tooLarge);
		expect(closed.reason).toContain('4096 bytes');
		await stillEditing(others, 'small');
		expect((await readDraftContent(team.promptId)).userPromptTemplate).toBe('small');
	});

	it('closes a socket whose path is not a prompt id', async () => {
		const team = await newPromptTeam();
		expect((await rawClosed(rawSocket(yjs.server(), 'not-a-prompt', team.editor.cookie))).code).toBe(YJS_CLOSE.malformed);
	});
});
