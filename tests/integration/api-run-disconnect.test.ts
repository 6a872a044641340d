// A prompt API run asked for with `"stream": false` whose caller goes away before the answer: the
// README promises that such a run goes on to its end whatever the client does. So it is recorded as
// it ends (succeeded, the whole answer), the model request runs to its end rather than hanging or
// being cut, nothing is logged as an error, and a caller that tries again gets that run's answer
// (the same request still in the air, or the cache) instead of paying for a second model call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRunEventSchemas } from '$lib/api/run-stream';
import { createApiToken } from '$lib/server/api-tokens';
import { commitDraft } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { uniqueSlug } from '../helpers/unique';
import { eventually } from '../helpers/yjs-client';
import { sample, setDraft, versionTeam } from './versions-fixtures';

let app: AppServer;
let tgi: TgiServer;
let team: Awaited<ReturnType<typeof versionTeam>>;

const TOKENS = Array.from({ length: 40 }, (_, i) => `w${i} `);

beforeAll(async () => {
	tgi = await startTgiServer();
	[app, team] = await Promise.all([
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: 'off', RUNS_PER_MINUTE_PER_USER: '100', API_REQUESTS_PER_MINUTE: '1000' }),
		versionTeam('apidisc')
	]);
	// Temperature 0: deterministic, so an identical request may share the answer.
	await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
	await commitDraft(team.author, team.prompt, 'Deterministic review');
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

/** A token of its own for each test: its runs are the rows with its id. */
async function newToken(name: string) {
	const created = await createApiToken(team.owner, { name, scopes: ['run'], expiresInDays: 0 });
	return { token: created.token, id: created.row.id };
}

function post(token: string, body: unknown, signal?: AbortSignal) {
	return fetch(`${app.url}/api/v1/prompts/${team.prompt}/run`, {
		method: 'POST',
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		signal
	});
}

async function rowsOf(apiTokenId: string) {
	const db = await prisma();
	return db.executionHistory.findMany({ where: { apiTokenId }, orderBy: { executedAt: 'asc' } });
}

/** Sends a stream: false run and goes away once the model has sent `after` tokens. */
async function postThenAbort(token: string, body: unknown, after: number) {
	const seenBefore = tgi.requests.length;
	const controller = new AbortController();
	const response = post(token, body, controller.signal);
	const upstream = await eventually(() => tgi.requests[seenBefore], (request) => request !== undefined && request.tokensSent >= after, 15_000);
	controller.abort();
	await expect(response).rejects.toThrow(/abort/i);
	return upstream!;
}

/** The studio's log lines at error level or worse (pino: 50 error, 60 fatal), and Node's own complaints. */
function errorsIn(log: string): string[] {
	return log.split('\n').filter((line) => /"level":(50|60)|Unhandled|ERR_|uncaught/i.test(line));
}

describe('a stream: false run whose client disconnects', () => {
	it('goes on to its end: recorded succeeded with the whole answer, the model request completed, no error logged', async () => {
		tgi.script({ tokens: TOKENS, delayMs: 25 });
		const { token, id } = await newToken('gone');
		const logFrom = app.output().length;
		const upstream = await postThenAbort(token, { variables: { language: 'python', code: uniqueSlug('gone') }, stream: false, cacheMode: 'never' }, 5);
		// Still generating when the caller left.
		expect(upstream.tokensSent).toBeLessThan(TOKENS.length);

		const ended = async () => (await rowsOf(id)).filter((row) => row.status !== 'running').length;
		await expect.poll(ended, { timeout: 15_000 }).toBe(1);
		const [row] = await rowsOf(id);
		expect(row).toMatchObject({ source: 'api', status: 'succeeded', outputData: TOKENS.join(''), errorMessage: null, finishReason: 'stop' });
		await upstream.finished;
		expect(upstream).toMatchObject({ tokensSent: TOKENS.length, clientClosed: false });
		expect(errorsIn(app.output().slice(logFrom))).toEqual([]);
	});

	it('a caller that tries again gets the first run’s answer, the model asked once', async () => {
		tgi.script({ tokens: TOKENS, delayMs: 25 });
		const { token, id } = await newToken('retry');
		const body = { variables: { language: 'python', code: uniqueSlug('retry') }, stream: false };
		const requestsBefore = tgi.requests.length;
		await postThenAbort(token, body, 5);

		const retried = await post(token, body);
		expect(retried.status).toBe(200);
		const answer = apiRunEventSchemas.done.parse(await retried.json());
		expect(answer).toMatchObject({ status: 'succeeded', text: TOKENS.join(''), cacheOutcome: 'hit' });
		expect(tgi.requests.length).toBe(requestsBefore + 1);

		const ended = async () => (await rowsOf(id)).filter((row) => row.status !== 'running').length;
		await expect.poll(ended, { timeout: 15_000 }).toBe(2);
		const rows = await rowsOf(id);
		expect(rows.map((row) => [row.status, row.cacheOutcome, row.outputData])).toEqual([
			['succeeded', 'miss', TOKENS.join('')],
			['succeeded', 'hit', TOKENS.join('')]
		]);
	});
});
