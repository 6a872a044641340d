import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { commitDraft, getVersion, listVersions, restoreVersion } from '$lib/server/versions';
import { canonicalJson } from '$lib/server/versions/content';
import { prisma } from '../helpers/db';
import { refusal } from '../helpers/refusal';
import { useYjsServer } from '../helpers/yjs-client';
import { presenceEcho } from '../helpers/yjs-probes';
import { cookieFor } from '../helpers/yjs-team';
import { readDraft, readMeta } from '$lib/prompt-doc';
import { draftMeta, openEditor, readDraftContent, sample, setDraft, versionTeam } from './versions-fixtures';

const yjs = useYjsServer();

describe('committing the live draft', () => {
	it('snapshots the server’s draft as v1 with author, message, variables and a SHA-256 of its canonical JSON', async () => {
		const t = await versionTeam();
		const content = sample();
		await setDraft(t.promptId, content);
		const result = await commitDraft(t.author, t.prompt, 'First cut');
		expect(result).toMatchObject({ created: true, version: 1, message: 'Committed v1.' });
		const { version } = await getVersion(t.viewer, t.prompt, 1);
		expect(version).toMatchObject({ number: 1, message: 'First cut', author: t.author.user.username, parent: null, restoredFrom: null });
		expect(version.content).toEqual(content);
		expect(version.variables).toEqual(['language', 'code']);
		const expected = createHash('sha256').update(canonicalJson(content)).digest('hex');
		expect(version.contentHash).toBe(expected);
		expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
	});

	it('mirrors the committed content onto the prompt and points it at the new version', async () => {
		const t = await versionTeam();
		await setDraft(t.promptId, sample());
		await commitDraft(t.author, t.prompt, 'v1');
		await setDraft(t.promptId, sample({ systemPrompt: 'Be terse.', parameters: { modelType: 'codet5p', temperature: 0.9, maxTokens: 300, topP: 0.5 } }));
		await commitDraft(t.reviewer, t.prompt, 'v2');
		const db = await prisma();
		const row = await db.prompt.findUniqueOrThrow({ where: { id: t.promptId }, include: { currentVersion: true } });
		expect(row.currentVersion?.versionNumber).toBe(2);
		expect([row.systemPrompt, row.userPromptTemplate, row.modelType, row.temperature, row.maxTokens]).toEqual([
			'Be terse.',
			sample().userPromptTemplate,
			'codet5p',
			0.9,
			300
		]);
		expect(row.fewShotExamples).toEqual(sample().fewShotExamples);
		expect(row.currentVersion?.parameters).toEqual({ topP: 0.5 });
		const { versions } = await listVersions(t.viewer, t.prompt);
		expect(versions.map((v) => [v.number, v.parent, v.author])).toEqual([
			[2, 1, t.reviewer.user.username],
			[1, null, t.author.user.username]
		]);
	});

	it('tells every open editor the new version through the draft’s meta', async () => {
		const t = await versionTeam();
		await setDraft(t.promptId, sample());
		// Three people with the draft open in their editors, each a real y-websocket client.
		const editors = await Promise.all([t.author, t.reviewer, t.viewer].map(async (member) => yjs.client(t.promptId, await cookieFor(member.user))));
		await Promise.all(editors.map((editor) => editor.synced()));
		expect(editors.map((editor) => readMeta(editor.doc))).toEqual(Array(3).fill({ latestVersion: null, restoredFrom: null }));
		await commitDraft(t.author, t.prompt, 'v1');
		// The commit stored the meta and sent it to every socket before it returned: a frame each
		// socket gets now comes after it.
		await Promise.all(editors.map((editor) => presenceEcho(editor)));
		expect(editors.map((editor) => readMeta(editor.doc))).toEqual(Array(3).fill({ latestVersion: 1, restoredFrom: null }));
		expect(editors.map((editor) => readDraft(editor.doc))).toEqual(Array(3).fill(sample()));
		expect(await draftMeta(t.promptId)).toEqual({ latestVersion: 1, restoredFrom: null });
	});

	it('shows the new version and a rollback at once in an open editor, whose cursor survives the rollback', async () => {
		const t = await versionTeam();
		await setDraft(t.promptId, sample({ systemPrompt: 'Keep this sentence. Old ending.' }));
		await commitDraft(t.author, t.prompt, 'v1');
		await setDraft(t.promptId, sample({ systemPrompt: 'Keep this sentence. New ending.' }));
		const editor = await openEditor(t.promptId);
		try {
			await commitDraft(t.author, t.prompt, 'v2');
			expect(readMeta(editor.doc).latestVersion).toBe(2);
			const system = editor.doc.getText('system');
			const cursor = Y.createRelativePositionFromTypeIndex(system, 5); // inside "this"
			await restoreVersion(t.reviewer, t.prompt, 1);
			expect(readDraft(editor.doc).systemPrompt).toBe('Keep this sentence. Old ending.');
			expect(readMeta(editor.doc)).toEqual({ latestVersion: 2, restoredFrom: 1 });
			expect(Y.createAbsolutePositionFromRelativePosition(cursor, editor.doc)?.index).toBe(5);
		} finally {
			editor.close();
		}
	});

	it('says nothing changed instead of copying the latest version', async () => {
		const t = await versionTeam();
		await setDraft(t.promptId, sample());
		await commitDraft(t.author, t.prompt, 'v1');
		const again = await commitDraft(t.reviewer, t.prompt, 'same again');
		expect(again).toEqual({ created: false, version: 1, message: 'Nothing changed since v1: there is nothing to commit.' });
		expect((await listVersions(t.author, t.prompt)).versions).toHaveLength(1);
	});

	it('gives concurrent commits of one draft exactly one version', async () => {
		const t = await versionTeam();
		await setDraft(t.promptId, sample());
		const results = await Promise.all(Array.from({ length: 8 }, (_, i) => commitDraft(i % 2 ? t.author : t.reviewer, t.prompt, `race ${i}`)));
		expect(results.filter((r) => r.created)).toHaveLength(1);
		expect(results.every((r) => r.version === 1)).toBe(true);
		expect((await listVersions(t.author, t.prompt)).versions.map((v) => v.number)).toEqual([1]);
	});

	it('numbers concurrent commits of different contents one after another, without gaps or clashes', async () => {
		const t = await versionTeam();
		for (const n of [1, 2, 3]) {
			await setDraft(t.promptId, sample({ systemPrompt: `System ${n}` }));
			await commitDraft(t.author, t.prompt, `v${n}`);
		}
		// Each "restore and commit" commits its own snapshot, so these four contents differ pairwise in order.
		const results = await Promise.all([1, 2, 1, 2].map((n, i) => restoreVersion(i % 2 ? t.author : t.reviewer, t.prompt, n, { commit: true })));
		const created = results.map((r) => r.commit!).filter((c) => c.created);
		expect(created.length).toBeGreaterThanOrEqual(2);
		const { versions } = await listVersions(t.author, t.prompt);
		const numbers = versions.map((v) => v.number).sort((a, b) => a - b);
		expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
		expect(numbers.length).toBe(3 + created.length);
	});

	it('refuses a draft past the limits and a template Mustache cannot read, with a clear 400', async () => {
		const t = await versionTeam();
		await setDraft(t.promptId, sample({ userPromptTemplate: 'Hello {{#items}}unclosed' }));
		const broken = await refusal(commitDraft(t.author, t.prompt, 'broken'));
		expect(broken.status).toBe(400);
		expect(broken.message).toMatch(/^The template cannot be read: Unclosed section "items"/);
		await setDraft(t.promptId, sample({ fewShotExamples: Array.from({ length: 21 }, () => ({ input: 'a', output: 'b' })) }));
		const tooMany = await refusal(commitDraft(t.author, t.prompt, 'too many'));
		expect([tooMany.status, tooMany.message]).toEqual([400, 'The draft cannot be committed: At most 20 examples.']);
		expect((await listVersions(t.author, t.prompt)).versions).toHaveLength(0);
	});

	it('refuses viewers a commit and a restore, and hides the prompt from other workspaces', async () => {
		const t = await versionTeam();
		const other = await versionTeam();
		await setDraft(t.promptId, sample());
		expect((await refusal(commitDraft(t.viewer, t.prompt, 'nope'))).status).toBe(403);
		await commitDraft(t.author, t.prompt, 'v1');
		expect((await refusal(restoreVersion(t.viewer, t.prompt, 1))).status).toBe(403);
		expect((await refusal(commitDraft(other.author, t.prompt, 'x'))).status).toBe(404);
		expect((await refusal(getVersion(other.owner, t.prompt, 1))).status).toBe(404);
		expect((await refusal(getVersion(t.viewer, t.prompt, 9))).status).toBe(404);
	});
});

describe('rolling back', () => {
	async function threeVersions() {
		const t = await versionTeam();
		for (const n of [1, 2, 3]) {
			await setDraft(t.promptId, sample({ systemPrompt: `System ${n}`, userPromptTemplate: `Template ${n} for {{code}}` }));
			await commitDraft(t.author, t.prompt, `v${n}`);
		}
		return t;
	}

	it('writes the old version into the live draft and marks it restored, changing no history', async () => {
		const t = await threeVersions();
		const result = await restoreVersion(t.reviewer, t.prompt, 1);
		expect(result).toMatchObject({ restored: 1, commit: null });
		expect((await readDraftContent(t.promptId)).systemPrompt).toBe('System 1');
		expect(await draftMeta(t.promptId)).toEqual({ latestVersion: 3, restoredFrom: 1 });
		expect((await listVersions(t.author, t.prompt)).versions.map((v) => v.number)).toEqual([3, 2, 1]);
	});

	it('records restored_from on the next commit when the draft still holds the restored version', async () => {
		const t = await threeVersions();
		await restoreVersion(t.reviewer, t.prompt, 1);
		const commit = await commitDraft(t.reviewer, t.prompt, 'Back to the first');
		expect(commit).toMatchObject({ created: true, version: 4, restoredFrom: 1 });
		const { version } = await getVersion(t.author, t.prompt, 4);
		expect([version.restoredFrom, version.parent]).toEqual([1, 3]);
		expect(await draftMeta(t.promptId)).toEqual({ latestVersion: 4, restoredFrom: null });
	});

	it('does not claim a restore once the restored text was edited before the commit', async () => {
		const t = await threeVersions();
		await restoreVersion(t.reviewer, t.prompt, 1);
		await setDraft(t.promptId, { ...(await readDraftContent(t.promptId)), systemPrompt: 'System 1, edited' });
		const commit = await commitDraft(t.reviewer, t.prompt, 'Edited');
		expect(commit).toMatchObject({ created: true, version: 4, restoredFrom: null });
	});

	it('restores and commits at once as “Restore vN”', async () => {
		const t = await threeVersions();
		const result = await restoreVersion(t.author, t.prompt, 2, { commit: true });
		expect(result.message).toBe('Restored v2 and committed it as v4.');
		const { version } = await getVersion(t.author, t.prompt, 4);
		expect([version.message, version.restoredFrom, version.content.systemPrompt]).toEqual(['Restore v2', 2, 'System 2']);
		const v2 = (await getVersion(t.author, t.prompt, 2)).version;
		expect(version.contentHash).toBe(v2.contentHash);
		const again = await restoreVersion(t.author, t.prompt, 2, { commit: true });
		expect(again.commit).toMatchObject({ created: false, version: 4 });
	});

	it('refuses to restore a version the prompt does not have', async () => {
		const t = await threeVersions();
		const missing = await refusal(restoreVersion(t.author, t.prompt, 7));
		expect([missing.status, missing.field, missing.message]).toEqual([400, 'version', 'This prompt has no v7.']);
	});
});
