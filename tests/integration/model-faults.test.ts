// A model endpoint that hangs, drips a token now and then forever, or answers garbage: every run is
// bounded (the idle timeout from the first byte on, a deadline for the whole request, a cap on what
// is read), ends as failed with a message naming the model, keeps the text that had arrived, leaves
// a finished row in execution_history, stores nothing in model_cache, and the studio goes on serving.
// Each case runs through a live session (the hub, in this process) and through the prompt API of a
// studio process configured by its environment.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRunEventSchemas, type ApiRunEvent } from '$lib/api/run-stream';
import { configureGeneration } from '$lib/server/generation';
import { createApiToken } from '$lib/server/api-tokens';
import { commitDraft } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { joinedClient, newSessionTeam, okData, request, runRequest, runRow, useTestHub, type SessionTeam } from '../helpers/hub-client';
import { startTgiServer, type TgiScript, type TgiServer } from '../helpers/tgi-server';
import { uniqueSlug } from '../helpers/unique';
import { sample, setDraft, versionTeam } from './versions-fixtures';

interface Fault {
	name: string;
	script: TgiScript;
	error: RegExp;
	/** The text that arrived before the failure: exactly, or its shape. */
	output: string | RegExp;
}

/** The idle timeout's message (the session's and the studio's timeouts differ). */
const IDLE = /^WhiteRabbitNeo-33B sent nothing for \d+ s\.$/;

const FAULTS: Fault[] = [
	{ name: 'accepts the connection and never sends headers', script: { hang: true }, error: IDLE, output: '' },
	{ name: 'sends headers and then no body', script: { silentAfterHeaders: true }, error: IDLE, output: '' },
	{
		name: 'drips one token at a time forever, each inside the idle timeout',
		script: { tokens: ['drip '], endless: true, delayMs: 250 },
		error: /^WhiteRabbitNeo-33B was still answering after [\d.]+ s, the longest one run may take\.$/,
		output: /^(drip ){2,}$/
	},
	{
		name: 'answers 200 with an HTML page',
		script: { raw: { contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>' } },
		error: /^WhiteRabbitNeo-33B answered with text\/html; charset=utf-8 instead of an event stream\.$/,
		output: ''
	},
	{
		name: 'answers 200 with a JSON error object',
		script: { raw: { contentType: 'application/json', body: JSON.stringify({ error: 'Input validation error: inputs must not be empty', error_type: 'validation' }) } },
		error: /^WhiteRabbitNeo-33B answered with application\/json instead of an event stream: Input validation error: inputs must not be empty$/,
		output: ''
	},
	{ name: 'sends invalid JSON on a data line', script: { raw: { body: 'data: {"choices":[{"text":\n\n' } }, error: /^WhiteRabbitNeo-33B sent a malformed stream event/, output: '' },
	{ name: 'sends JSON that is not an event object', script: { raw: { body: 'data: null\n\n' } }, error: /^WhiteRabbitNeo-33B sent a malformed stream event\.$/, output: '' },
	{
		name: 'sends an error object as an event',
		script: { raw: { body: `data: ${JSON.stringify({ error: { message: 'Server error: CUDA out of memory' } })}\n\n` } },
		error: /^WhiteRabbitNeo-33B reported an error mid-stream: .*CUDA out of memory$/,
		output: ''
	},
	{
		name: 'sends random bytes as an event stream',
		script: { raw: { body: randomBytes(64 * 1024) } },
		error: /^(WhiteRabbitNeo-33B sent a malformed stream event|The stream from WhiteRabbitNeo-33B ended before the model finished)/,
		output: ''
	},
	{ name: 'sends random bytes with no content type', script: { raw: { contentType: null, body: randomBytes(4096) } }, error: /^WhiteRabbitNeo-33B answered with no content type instead of an event stream\.$/, output: '' },
	{ name: 'ends the stream with no final event', script: { tokens: ['half', ' an', ' answer'], truncateAfter: 2 }, error: /^The stream from WhiteRabbitNeo-33B ended before the model finished\.$/, output: 'half an' },
	{
		name: 'lies about its content type (an HTML page labelled as an event stream)',
		script: { raw: { body: '<html>\n<body>Service temporarily unavailable</body>\n</html>\n' } },
		error: /^The stream from WhiteRabbitNeo-33B ended before the model finished\.$/,
		output: ''
	},
	{
		name: 'sends one enormous line that never ends',
		script: { raw: { body: 'data: {"choices":[{"index":0,"text":"', repeat: 'x'.repeat(64 * 1024) } },
		error: /^WhiteRabbitNeo-33B sent a line longer than 1024 KB; the answer was cut off\.$/,
		output: ''
	}
];

function expectOutput(text: string, output: Fault['output']) {
	if (typeof output === 'string') expect(text).toBe(output);
	else expect(text).toMatch(output);
}

const GOOD = { tokens: ['fine', ' again'] };

describe('through a live session', () => {
	const hub = useTestHub();

	async function startRun(team: SessionTeam, variables: Record<string, string>) {
		const { socket, seen } = await joinedClient(hub.client(team.editor.cookie), team.sessionId);
		const { runs } = okData(await request(socket, 'run:start', runRequest(team, { variables, cacheMode: 'always' })));
		return { run: await seen.finishedRun(runs[0]!.executionId), executionId: runs[0]!.executionId };
	}

	it.each(FAULTS)('an endpoint that $name fails the run with a clear message; nothing is cached and the next run works', async ({ script, error, output }) => {
		configureGeneration({ idleTimeoutMs: 1500, maxRunMs: 3000 });
		const team = await newSessionTeam();
		const variables = { language: 'Python', task: uniqueSlug('task') };
		hub.tgi().script(script);

		const { run, executionId } = await startRun(team, variables);
		expect(run.status).toBe('failed');
		expect(run.error).toMatch(error);
		expectOutput(run.text, output);
		const row = await runRow(executionId);
		expect(row).toMatchObject({ status: 'failed', success: false, outputData: run.text, errorMessage: run.error });
		expect(row.finishedAt).toBeInstanceOf(Date);
		// The upstream request was let go, not left open.
		await hub.tgi().requests[0]!.finished;

		// The same request again: nothing was stored, so the model is asked and answers this time.
		hub.tgi().script(GOOD);
		const again = await startRun(team, variables);
		expect(again.run).toMatchObject({ status: 'succeeded', text: 'fine again', cacheOutcome: 'miss' });
		expect(hub.tgi().requests).toHaveLength(1);
	});
});

describe('through the prompt API', () => {
	let app: AppServer;
	let tgi: TgiServer;
	let team: Awaited<ReturnType<typeof versionTeam>>;
	let token: string;

	beforeAll(async () => {
		tgi = await startTgiServer();
		[app, team] = await Promise.all([
			startAppServer({
				WHITERABBITNEO_ENDPOINT_URL: tgi.url,
				CODET5P_ENDPOINT_URL: '',
				EMBEDDED_MODEL: 'off',
				// A drip every 250 ms stays well inside the idle timeout even on a busy machine.
				GENERATION_IDLE_TIMEOUT_SECONDS: '2',
				GENERATION_MAX_RUN_SECONDS: '4',
				RUNS_PER_MINUTE_PER_USER: '1000',
				API_REQUESTS_PER_MINUTE: '1000'
			}),
			versionTeam('faults')
		]);
		await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
		await commitDraft(team.author, team.prompt, 'Deterministic review');
		token = (await createApiToken(team.owner, { name: 'runner', scopes: ['run'], expiresInDays: 0 })).token;
	}, 120_000);
	afterAll(async () => {
		await app?.stop();
		await tgi?.close();
	});

	async function runOverApi(variables: Record<string, string>): Promise<ApiRunEvent<'done'>['data']> {
		const response = await fetch(`${app.url}/api/v1/prompts/${team.prompt}/run`, {
			method: 'POST',
			body: JSON.stringify({ variables, cacheMode: 'always' }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }
		});
		expect(response.status).toBe(200);
		const blocks = (await response.text()).split('\n\n').filter((block) => block.startsWith('event: '));
		const last = blocks.at(-1)!;
		expect(last).toMatch(/^event: done$/m);
		return apiRunEventSchemas.done.parse(JSON.parse(/^data: (.+)$/m.exec(last)![1]!));
	}

	it.each(FAULTS)('an endpoint that $name fails the run with a clear message; nothing is cached and the next run works', async ({ script, error, output }) => {
		const variables = { language: 'python', code: uniqueSlug('code') };
		tgi.script(script);
		const done = await runOverApi(variables);
		expect(done.status).toBe('failed');
		expect(done.error).toMatch(error);
		expectOutput(done.text, output);
		const db = await prisma();
		const row = await db.executionHistory.findUniqueOrThrow({ where: { id: done.executionId } });
		expect(row).toMatchObject({ status: 'failed', source: 'api', outputData: done.text, errorMessage: done.error });

		tgi.script(GOOD);
		expect(await runOverApi(variables)).toMatchObject({ status: 'succeeded', text: 'fine again', cacheOutcome: 'miss' });
		expect(tgi.requests).toHaveLength(1);
		expect(app.output()).not.toMatch(/uncaught|unhandled/i);
	});
});
