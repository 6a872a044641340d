// One prompt's draft on two studio instances behind one Redis and one PostgreSQL, as behind a load
// balancer: editors on either converge, presence crosses over, a change the server makes on a
// third process (this one) reaches both, a member removed through this process loses the socket
// on an instance, and instances that compact the same draft in turn keep everything.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readDraft } from '$lib/prompt-doc';
import { YJS_CLOSE } from '$lib/realtime/yjs-protocol';
import { joinCluster, leaveCluster } from '$lib/server/cluster';
import { acquireDraft, configureDrafts, noDraftPeers, updateDraft } from '$lib/server/drafts';
import { removeMember } from '$lib/server/workspaces';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';

const twoInstances = hasPostgres() && !!process.env.REDIS_URL;
let apps: AppServer[] = [];
let clients: TestClient[] = [];

beforeAll(async () => {
	if (!twoInstances) return;
	// Compact often, unload soon: the merge of two instances' snapshots is exercised below.
	const env = { LOG_LEVEL: 'warn', DRAFT_COMPACT_EVERY: '4', DRAFT_UNLOAD_GRACE_MS: '200' };
	apps = await Promise.all([startAppServer(env), startAppServer(env)]);
	await joinCluster();
}, 120_000);

afterEach(() => {
	for (const client of clients) client.destroy();
	clients = [];
});

afterAll(async () => {
	await Promise.all(apps.map((app) => app.stop()));
	await leaveCluster();
});

function client(app: AppServer, promptId: string, cookie: string): TestClient {
	const created = connectClient(app.yjsUrl, promptId, cookie);
	clients.push(created);
	return created;
}

/** The draft as PostgreSQL holds it: the snapshot and every log row left. */
async function storedTemplate(promptId: string): Promise<string> {
	const db = await prisma();
	const draft = await db.promptDraft.findUniqueOrThrow({ where: { promptId } });
	const rows = await db.promptDraftUpdate.findMany({ where: { promptId }, orderBy: { id: 'asc' } });
	const doc = new Y.Doc();
	Y.applyUpdate(doc, draft.snapshot);
	for (const row of rows) Y.applyUpdate(doc, row.update);
	return readDraft(doc).userPromptTemplate;
}

/** Polls the stored template until `check` holds (or 10 s pass); returns the last one read. */
async function storedEventually(promptId: string, check: (text: string) => boolean): Promise<string> {
	const deadline = Date.now() + 10_000;
	let text = await storedTemplate(promptId);
	while (!check(text) && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		text = await storedTemplate(promptId);
	}
	return text;
}

describe.runIf(twoInstances)('a draft across two instances', () => {
	it('editors on different instances converge, and each sees the other’s presence', async () => {
		const team = await newPromptTeam();
		const [a, b] = apps as [AppServer, AppServer];
		const onA = client(a, team.promptId, team.owner.cookie);
		const onB = client(b, team.promptId, team.editor.cookie);
		await Promise.all([onA.synced(), onB.synced()]);
		onA.provider.awareness.setLocalStateField('user', { name: 'owner on A' });
		onB.provider.awareness.setLocalStateField('user', { name: 'editor on B' });

		for (let i = 0; i < 10; i++) {
			onA.type(`a${i} `);
			onB.type(`b${i} `);
		}
		const converged = await eventually(
			() => [onA.text(), onB.text()],
			([textA, textB]) => textA === textB && textA!.split(' ').length === 21
		);
		for (let i = 0; i < 10; i++) expect(converged[0]).toContain(`a${i} `);

		// The others' entries as this client sees them; the server vouches for each one's name.
		const others = (of: TestClient) =>
			[...of.provider.awareness.getStates()].filter(([id]) => id !== of.doc.clientID).map(([, state]) => state.user?.name as string);
		await eventually(() => others(onB), (seen) => seen.length === 1 && seen[0] === team.owner.user.username);
		await eventually(() => others(onA), (seen) => seen.length === 1 && seen[0] === team.editor.user.username);
		// Each client echoes the other's entry to its own instance: that must not rename it. A change
		// each client makes after its echoes travels the same way, so once both are seen across, the
		// echoes have been handled.
		onA.provider.awareness.setLocalStateField('cursor', 'after the echoes');
		onB.provider.awareness.setLocalStateField('cursor', 'after the echoes');
		const cursorOfOther = (of: TestClient) =>
			[...of.provider.awareness.getStates()].find(([id]) => id !== of.doc.clientID)?.[1].cursor;
		await eventually(() => [cursorOfOther(onA), cursorOfOther(onB)], (seen) => seen.every((cursor) => cursor === 'after the echoes'));
		expect(others(onA)).toEqual([team.editor.user.username]);
		expect(others(onB)).toEqual([team.owner.user.username]);

		// Gone from A: its presence leaves B too.
		onA.destroy();
		await eventually(() => others(onB), (seen) => seen.length === 0);
	}, 60_000);

	it('a change the server makes in another process reaches editors on both instances', async () => {
		const team = await newPromptTeam();
		const [a, b] = apps as [AppServer, AppServer];
		const onA = client(a, team.promptId, team.owner.cookie);
		const onB = client(b, team.promptId, team.viewer.cookie);
		await Promise.all([onA.synced(), onB.synced()]);
		// This test process holds the draft as a third instance would (a rollback's writeDraft).
		await updateDraft(team.promptId, (doc) => {
			const template = doc.getText('template');
			template.delete(0, template.length);
			template.insert(0, 'Rolled back by the server');
		});
		await eventually(() => onA.text(), (text) => text === 'Rolled back by the server');
		await eventually(() => onB.text(), (text) => text === 'Rolled back by the server');
	}, 60_000);

	it('a member removed through another instance loses their draft socket at once', async () => {
		const team = await newPromptTeam();
		const onB = client(apps[1]!, team.promptId, team.editor.cookie);
		await onB.synced();
		await removeMember(team.owner.member, team.editor.user.id);
		const closed = await onB.closed();
		expect(closed.code).toBe(YJS_CLOSE.forbidden);
	}, 60_000);

	it('two instances compacting the same draft keep every edit, in memory and in the database', async () => {
		const team = await newPromptTeam();
		const [a, b] = apps as [AppServer, AppServer];
		const onA = client(a, team.promptId, team.owner.cookie);
		const onB = client(b, team.promptId, team.editor.cookie);
		await Promise.all([onA.synced(), onB.synced()]);
		// One edit at a time, alternating: each instance stores and compacts every 4 of its own.
		const words: string[] = [];
		for (let i = 0; i < 24; i++) {
			const word = `w${i} `;
			words.push(word);
			(i % 2 === 0 ? onA : onB).type(word);
			if (i % 3 === 2) await eventually(() => [onA.text(), onB.text()], ([x, y]) => x === y && words.every((w) => x!.includes(w)));
		}
		const text = (await eventually(() => [onA.text(), onB.text()], ([x, y]) => x === y && words.every((w) => x!.includes(w))))[0]!;
		// Everyone leaves: both instances unload the draft (storing and compacting first).
		onA.destroy();
		onB.destroy();
		expect(await storedEventually(team.promptId, (stored) => stored === text)).toBe(text);
		// A fresh editor on either instance loads exactly that.
		const fresh = client(b, team.promptId, team.owner.cookie);
		await fresh.synced();
		expect(fresh.text()).toBe(text);
	}, 60_000);

	it('an instance that compacts before hearing of the others’ edits folds them in, not over them', async () => {
		const team = await newPromptTeam();
		const onA = client(apps[0]!, team.promptId, team.owner.cookie);
		await onA.synced();
		// This process as an instance whose messages are late (it hears nothing) and compacts at once.
		const defaults = configureDrafts({ peers: noDraftPeers, compactEvery: 1 });
		const held = await acquireDraft(team.promptId);
		try {
			onA.type('stored by A ');
			await storedEventually(team.promptId, (text) => text.includes('stored by A'));
			await held.change((doc) => doc.getText('system').insert(0, 'from the late instance'));
			await held.compact();
		} finally {
			held.release();
			configureDrafts(defaults);
		}
		const db = await prisma();
		expect(await db.promptDraftUpdate.count({ where: { promptId: team.promptId } })).toBe(0);
		expect(await storedTemplate(team.promptId)).toContain('stored by A');
	}, 60_000);

	it('an update stored by an instance that died before sending it on reaches the others once something builds on it', async () => {
		const team = await newPromptTeam();
		const [a, b] = apps as [AppServer, AppServer];
		const onB = client(b, team.promptId, team.editor.cookie);
		await onB.synced();
		onB.type('start ');
		await storedEventually(team.promptId, (text) => text === 'start ');
		// What a SIGKILL between the insert and the publish leaves: a logged update nobody was told of.
		const db = await prisma();
		const writer = new Y.Doc();
		const draft = await db.promptDraft.findUniqueOrThrow({ where: { promptId: team.promptId } });
		Y.applyUpdate(writer, draft.snapshot);
		for (const row of await db.promptDraftUpdate.findMany({ where: { promptId: team.promptId }, orderBy: { id: 'asc' } })) Y.applyUpdate(writer, row.update);
		const before = Y.encodeStateVector(writer);
		writer.getText('template').insert(writer.getText('template').length, 'stored-only ');
		await db.promptDraftUpdate.create({ data: { promptId: team.promptId, update: Buffer.from(Y.encodeStateAsUpdate(writer, before)) } });
		// Instance A loads the draft fresh (the row included); its editor types right after it.
		const onA = client(a, team.promptId, team.owner.cookie);
		await onA.synced();
		expect(onA.text()).toBe('start stored-only ');
		onA.type('built-on-it');
		await eventually(() => onB.text(), (text) => text === 'start stored-only built-on-it');
	}, 60_000);
});
