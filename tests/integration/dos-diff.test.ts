// Long versions that share nothing must not freeze the studio: the diff page of two 12k-character
// templates answers at once and says the lines are too different to compare word by word, and a
// restore that rewrites an 18k-character draft with other text does not hold the server's thread.
// /api/health is polled all along; every answer must come within HEALTH_MS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { signUpOverHttp, visibleText } from '../helpers/form-client';
import { uniqueWorkspaceName } from '../helpers/unique';
import { HEALTH_MS, watchStudio } from './dos-fixtures';

let app: AppServer;

beforeAll(async () => {
	app = await startAppServer();
}, 90_000);

afterAll(async () => {
	await app?.stop();
});

/** `count` words on one line, every one `letter` and a digit: two letters share no word. */
const words = (count: number, letter: string) => Array.from({ length: count }, (_, i) => `${letter}${i % 7}`).join(' ');

/** A prompt whose v1 template is `first` (committed from the draft) and whose v2 template is `second` (a fixture row). */
async function twoVersions(first: string, second: string) {
	const owner = await signUpOverHttp(app.url, 'dosdiff');
	const ws = (await owner.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Diff') })).location!;
	const path = (await owner.client.post(`${ws}/prompts/new`, { name: 'Long template' })).location!;
	const db = await prisma();
	const prompt = await db.prompt.findFirstOrThrow({ where: { slug: path.split('/').at(-1)!, workspace: { slug: ws.split('/').at(-1)! } } });
	// The first draft is seeded from the prompt's fields when the studio first opens it.
	await db.prompt.update({ where: { id: prompt.id }, data: { userPromptTemplate: first } });
	expect((await owner.client.post(`${path}/versions?/commit`, { message: 'v1' })).status).toBe(200);
	const v1 = await db.promptVersion.findFirstOrThrow({ where: { promptId: prompt.id, versionNumber: 1 } });
	expect(v1.userPromptTemplate).toBe(first);
	const { id: _id, createdAt: _at, ...copy } = v1;
	await db.promptVersion.create({
		data: {
			...copy,
			fewShotExamples: copy.fewShotExamples ?? [],
			parameters: copy.parameters ?? {},
			versionNumber: 2,
			parentVersionId: v1.id,
			userPromptTemplate: second,
			contentHash: 'e'.repeat(64),
			changeNotes: 'Every word differs'
		}
	});
	return { owner, path };
}

describe('diffs of long versions that share nothing', () => {
	it('the diff page of two 12k-character templates answers at once, says they are too different to compare word by word, and health stays fast', async () => {
		const { owner, path } = await twoVersions(words(4000, 'a'), words(4000, 'b'));
		const watch = watchStudio(app);
		const started = performance.now();
		const page = await owner.client.get(`${path}/versions/diff?from=1&to=2`);
		const tookMs = performance.now() - started;
		const seen = await watch.stop();
		console.info(`diff page: ${Math.round(tookMs)} ms; health: ${seen.healthChecks} checks (${seen.healthFailures} failed), slowest ${seen.slowestHealthMs} ms`);
		expect(page.status).toBe(200);
		expect(visibleText(page.html).includes('too different to compare word by word'), 'the page says why the lines are shown whole').toBe(true);
		expect(tookMs).toBeLessThan(3000);
		expect(seen.slowHealth, `health answers slower than ${HEALTH_MS} ms`).toEqual([]);
		expect(seen.healthFailures).toBe(0);
	}, 180_000);

	it('restoring an 18k-character version over a draft of other text answers at once and health stays fast', async () => {
		const { owner, path } = await twoVersions(words(6000, 'c'), words(6000, 'd'));
		const watch = watchStudio(app);
		const started = performance.now();
		const restored = await owner.client.post(`${path}/versions?/restore`, { version: '2' });
		const tookMs = performance.now() - started;
		const seen = await watch.stop();
		console.info(`restore: ${Math.round(tookMs)} ms; health: ${seen.healthChecks} checks (${seen.healthFailures} failed), slowest ${seen.slowestHealthMs} ms`);
		expect(visibleText(restored.html).includes('Restored v2 into the draft.'), 'the restore is confirmed').toBe(true);
		expect(tookMs).toBeLessThan(3000);
		expect(seen.slowHealth, `health answers slower than ${HEALTH_MS} ms`).toEqual([]);
		expect(seen.healthFailures).toBe(0);
		// The draft holds v2's text exactly: the coarse edit is still the right edit.
		const diff = await owner.client.get(`${path}/versions/diff?from=2&to=draft`);
		expect(visibleText(diff.html).includes('v2 and Live draft are identical.'), 'the draft is v2').toBe(true);
	}, 180_000);
});
