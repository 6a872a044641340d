// Publishing to the community library (the write side): who may publish and unpublish, which runs
// may become sample outputs, what the library's row holds (and never holds), the visibility rule,
// forking a published version into a workspace, and the Publish and Fork pages over HTTP.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publishSchema } from '$lib/schemas/publishing';
import type { Member } from '$lib/server/workspaces';
import { commitDraft } from '$lib/server/versions';
import { publishVersion } from '$lib/server/publishing/publish';
import { prisma } from '../helpers/db';
import { refusal } from '../helpers/refusal';
import { sample, setDraft, versionTeam } from './versions-fixtures';

const SECRET_URL = 'https://secret-endpoint.example.test/v1';
const SECRET_TOKEN = 'hf_SECRETtoken123';

/** A team whose prompt has v1 and v2 committed (v2: a different system prompt, a second variable). */
async function publishingTeam() {
	const t = await versionTeam('publishing');
	await setDraft(t.promptId, sample());
	await commitDraft(t.author, t.prompt, 'First cut');
	await setDraft(t.promptId, sample({ systemPrompt: 'You are a meticulous reviewer.', userPromptTemplate: 'Review {{code}} for {{risk}}' }));
	await commitDraft(t.author, t.prompt, 'Name the risk');
	const db = await prisma();
	const ids = await db.promptVersion.findMany({ where: { promptId: t.promptId }, select: { id: true, versionNumber: true } });
	const versionId = (n: number) => ids.find((v) => v.versionNumber === n)!.id;
	return { ...t, versionId };
}

interface RunFixture {
	by: Member;
	promptId: string;
	versionId: string | null;
	status?: 'succeeded' | 'failed' | 'cancelled' | 'running';
	model?: string;
	output?: string;
	standIn?: string | null;
	variables?: Record<string, string>;
}

/** One execution_history row as a finished run leaves it, with an endpoint and a token in its parameters. */
async function addRun(run: RunFixture): Promise<string> {
	const status = run.status ?? 'succeeded';
	const row = await (await prisma()).executionHistory.create({
		data: {
			workspaceId: run.by.workspace.id,
			promptId: run.promptId,
			versionId: run.versionId,
			userId: run.by.user.id,
			runGroupId: randomUUID(),
			status,
			modelUsed: run.model ?? 'whiterabbitneo',
			standInModel: run.standIn ?? null,
			finishedAt: status === 'running' ? null : new Date(),
			inputData: run.variables ?? { code: 'eval(input())', language: 'python' },
			renderedPrompt: `[system] endpoint ${SECRET_URL}`,
			parameters: { endpoint: SECRET_URL, token: SECRET_TOKEN, temperature: 0.2 },
			outputData: status === 'running' ? null : (run.output ?? 'Never eval user input.'),
			success: status === 'running' ? null : status === 'succeeded'
		},
		select: { id: true }
	});
	return row.id;
}

const form = (over: Record<string, unknown> = {}) => publishSchema.parse({ versionNumber: '1', title: 'Injection review', description: 'Finds injection flaws.', tags: 'security, Python', ...over });

describe('publishing a version', () => {
	it('lets an editor publish: the library row holds the title, tags, text, variables and models tried', async () => {
		const t = await publishingTeam();
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'whiterabbitneo' });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'codet5p' });
		await addRun({ by: t.author, promptId: t.promptId, versionId: t.versionId(1), model: 'codet5p' });
		const result = await publishVersion(t.author, t.prompt, form());
		expect(result).toMatchObject({ versionNumber: 1, liveVersion: 1, workspaceSlug: t.ws, promptSlug: t.prompt, republished: false });
		const db = await prisma();
		const row = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: t.promptId } });
		expect(row).toMatchObject({
			workspaceSlug: t.ws,
			promptSlug: t.prompt,
			versionNumber: 1,
			title: 'Injection review',
			description: 'Finds injection flaws.',
			tags: ['security', 'python'],
			variables: ['language', 'code'],
			models: ['codet5p', 'whiterabbitneo'],
			authorName: t.author.user.username
		});
		expect(row.text).toBe(['You are a careful security reviewer.', 'Review this {{language}} code:\n{{code}}', 'eval(input())', 'Never eval user input.'].join('\n\n'));
		expect(row.firstPublishedAt).toEqual(row.publishedAt);
		const prompt = await db.prompt.findUniqueOrThrow({ where: { id: t.promptId } });
		expect(prompt.visibility).toBe('public');
	});

	it('lets the owner publish, refuses a viewer (403) and someone from another workspace (404)', async () => {
		const t = await publishingTeam();
		expect((await publishVersion(t.owner, t.prompt, form({ versionNumber: '2' }))).liveVersion).toBe(2);
		expect((await refusal(publishVersion(t.viewer, t.prompt, form()))).status).toBe(403);
		const stranger = await versionTeam('stranger');
		expect((await refusal(publishVersion(stranger.owner, t.prompt, form()))).status).toBe(404);
		const db = await prisma();
		expect(await db.publication.count({ where: { promptId: t.promptId } })).toBe(1);
	});
});
