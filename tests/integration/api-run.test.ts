// Running a prompt through the API against a running studio whose model endpoint is a local server
// speaking TGI's wire protocol: the answer streams as server-sent events in order, the run is a row
// of execution_history (source api, the token, the version), a deterministic repeat comes from
// model_cache, a model waking up says so, refusals come before anything is written, and a client
// that goes away cancels its run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRunEventSchemas, type ApiRunEvent, type ApiRunEventName } from '$lib/api/run-stream';
import { createApiToken } from '$lib/server/api-tokens';
import { commitDraft, moveLabel } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { sample, setDraft, versionTeam } from './versions-fixtures';

let app: AppServer;
let tgi: TgiServer;
let team: Awaited<ReturnType<typeof versionTeam>>;
let runToken: string;
let runTokenId: string;
let readToken: string;

const variables = { language: 'python', code: 'eval(input())' };

beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['Never', ' eval', ' input', '.'] });
	[app, team] = await Promise.all([
		// CodeT5+ has no endpoint and no stand-in here: the API must say it cannot run it.
		startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: 'off', MODEL_WAKE_INITIAL_DELAY_MS: '50', RUNS_PER_MINUTE_PER_USER: '12' }),
		versionTeam('apirun')
	]);
	await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
	await commitDraft(team.author, team.prompt, 'Deterministic review');
	await setDraft(team.promptId, sample({ userPromptTemplate: 'Review {{code}} for {{focus}}', parameters: { modelType: 'whiterabbitneo', temperature: 0.9, maxTokens: 64 } }));
	await commitDraft(team.author, team.prompt, 'Sampled, with a focus');
	await moveLabel(team.owner, team.prompt, 'production', 1);
	const created = await createApiToken(team.owner, { name: 'runner', scopes: ['run'], expiresInDays: 0 });
	runToken = created.token;
	runTokenId = created.row.id;
	readToken = (await createApiToken(team.owner, { name: 'reader', scopes: ['read'], expiresInDays: 0 })).token;
}, 120_000);
afterAll(async () => {
	await app?.stop();
	await tgi?.close();
});

function post(body: unknown, init: { token?: string | null; signal?: AbortSignal; slug?: string } = {}) {
	const token = init.token === undefined ? runToken : init.token;
	return fetch(`${app.url}/api/v1/prompts/${init.slug ?? team.prompt}/run`, {
		method: 'POST',
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
		signal: init.signal
	});
}

/** Parses a whole text/event-stream body into events, each checked against its declared schema. */
function parseEvents(raw: string): ApiRunEvent[] {
	return raw
		.split('\n\n')
		.filter((block) => block.trim() && !block.startsWith(':'))
		.map((block) => {
			const name = /^event: (.+)$/m.exec(block)![1] as ApiRunEventName;
			const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]!);
			return { event: name, data: apiRunEventSchemas[name].parse(data) } as ApiRunEvent;
		});
}

async function streamRun(body: unknown) {
	const response = await post(body);
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
	const events = parseEvents(await response.text());
	const done = events.at(-1)!;
	expect(done.event).toBe('done');
	return { events, done: done.data as ApiRunEvent<'done'>['data'] };
}

async function rowOf(executionId: string) {
	const db = await prisma();
	return db.executionHistory.findUniqueOrThrow({ where: { id: executionId }, include: { version: { select: { versionNumber: true } } } });
}

async function rowCount() {
	const db = await prisma();
	return db.executionHistory.count({ where: { promptId: team.promptId } });
}

describe('a streamed run', () => {
	it('streams started, the tokens in order and done; the run is an api row of execution_history', async () => {
		const before = tgi.requests.length;
		const { events, done } = await streamRun({ variables, cacheMode: 'never' });
		expect(events.map((e) => e.event)).toEqual(['started', 'token', 'token', 'token', 'token', 'done']);
		const started = events[0]!.data as ApiRunEvent<'started'>['data'];
		expect(started).toMatchObject({ model: 'whiterabbitneo', standIn: null, version: 1 });
		expect(started.prompt).toContain('Review this python code:\neval(input())');
		expect(events.filter((e) => e.event === 'token').map((e) => e.data)).toEqual([
			{ seq: 1, text: 'Never' },
			{ seq: 2, text: ' eval' },
			{ seq: 3, text: ' input' },
			{ seq: 4, text: '.' }
		]);
		expect(done).toMatchObject({ executionId: started.executionId, status: 'succeeded', text: 'Never eval input.', cacheOutcome: 'skip', error: null });

		// The model got the version's prompt with the caller's variables filled in.
		expect(tgi.requests.length).toBe(before + 1);
		expect(JSON.stringify(tgi.requests.at(-1)!.body)).toContain('eval(input())');
		const row = await rowOf(started.executionId);
		expect(row).toMatchObject({ source: 'api', apiTokenId: runTokenId, userId: team.owner.user.id, sessionId: null, status: 'succeeded', outputData: 'Never eval input.', modelUsed: 'whiterabbitneo', inputData: variables });
		expect(row.version?.versionNumber).toBe(1);
	});

	it('runs a version by number or label, with its own template and parameters', async () => {
		const { events, done } = await streamRun({ version: 2, variables: { code: 'rm -rf /', focus: 'shell safety' }, cacheMode: 'never' });
		expect((events[0]!.data as ApiRunEvent<'started'>['data']).prompt).toContain('Review rm -rf / for shell safety');
		expect((await rowOf(done.executionId)).version?.versionNumber).toBe(2);
		await moveLabel(team.owner, team.prompt, 'staging', 2);
		const labelled = await streamRun({ label: 'staging', variables: { code: 'x', focus: 'y' }, cacheMode: 'never' });
		expect((labelled.events[0]!.data as ApiRunEvent<'started'>['data']).version).toBe(2);
	});

	it('a deterministic repeat is answered from model_cache without calling the model', async () => {
		const first = await streamRun({ variables: { ...variables, code: 'pickle.loads(data)' } });
		expect(first.done.cacheOutcome).toBe('miss');
		const calls = tgi.requests.length;
		const second = await streamRun({ variables: { ...variables, code: 'pickle.loads(data)' } });
		expect(second.done).toMatchObject({ status: 'succeeded', cacheOutcome: 'hit', text: first.done.text });
		expect(tgi.requests.length).toBe(calls);
		expect(await rowOf(second.done.executionId)).toMatchObject({ source: 'api', cacheHit: true, cacheOutcome: 'hit' });
	});

	it('a model waking up sends waiting events, then the answer', async () => {
		tgi.script({ tokens: ['Awake'], loadingFor: 1, estimatedTime: 1 });
		try {
			const { events, done } = await streamRun({ variables, cacheMode: 'never' });
			expect(events.map((e) => e.event)).toEqual(['started', 'waiting', 'token', 'done']);
			expect((events[1]!.data as ApiRunEvent<'waiting'>['data']).message).toMatch(/WhiteRabbitNeo/);
			expect(done).toMatchObject({ status: 'succeeded', text: 'Awake' });
		} finally {
			tgi.script({ tokens: ['Never', ' eval', ' input', '.'] });
		}
	});

	it('with stream: false the answer is one JSON body when the run ends', async () => {
		const response = await post({ variables, cacheMode: 'never', stream: false });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		const body = apiRunEventSchemas.done.parse(await response.json());
		expect(body).toMatchObject({ status: 'succeeded', text: 'Never eval input.', cacheOutcome: 'skip' });
		expect((await rowOf(body.executionId)).source).toBe('api');
	});
});

describe('a client that goes away', () => {
	it('cancels its run: the row ends cancelled with the text it had, and the model request is aborted', async () => {
		tgi.script({ tokens: Array.from({ length: 200 }, (_, i) => `t${i} `), delayMs: 20 });
		try {
			const controller = new AbortController();
			const response = await post({ variables, cacheMode: 'never' }, { signal: controller.signal });
			const reader = response.body!.getReader();
			let raw = '';
			while ((raw.match(/event: token/g) ?? []).length < 3) raw += new TextDecoder().decode((await reader.read()).value);
			const executionId = JSON.parse(/^data: (.+)$/m.exec(raw)![1]!).executionId as string;
			controller.abort();
			const upstream = tgi.requests.at(-1)!;
			await upstream.finished;
			expect(upstream.clientClosed).toBe(true);
			expect(upstream.tokensSent).toBeLessThan(200);

			let row = await rowOf(executionId);
			for (let i = 0; i < 100 && row.status === 'running'; i++) {
				await new Promise((resolve) => setTimeout(resolve, 50));
				row = await rowOf(executionId);
			}
			expect(row.status).toBe('cancelled');
			expect(row.outputData).toMatch(/^t0 t1 t2 /);
			expect(row.errorMessage).toMatch(/disconnected/);
		} finally {
			tgi.script({ tokens: ['Never', ' eval', ' input', '.'] });
		}
	});
});

describe('refusals, before anything is written', () => {
	async function refused(body: unknown, init: Parameters<typeof post>[1] = {}) {
		const rows = await rowCount();
		const calls = tgi.requests.length;
		const response = await post(body, init);
		const answer = { status: response.status, headers: response.headers, error: ((await response.json()) as { error: Record<string, any> }).error };
		expect(await rowCount()).toBe(rows);
		expect(tgi.requests.length).toBe(calls);
		return answer;
	}

	it('missing variables: 400 naming each', async () => {
		const answer = await refused({ version: 2, variables: { code: 'x' } });
		expect(answer.status).toBe(400);
		expect(answer.error).toEqual({ code: 'missing_variables', message: 'Missing variable: focus.', details: { missing: ['focus'] } });
	});

	it('an unknown label or version, an unknown prompt: 404 with a stable code', async () => {
		expect((await refused({ label: 'canary', variables })).error).toMatchObject({ code: 'unknown_label', details: { labels: ['production', 'staging'] } });
		expect((await refused({ version: 99, variables })).error.code).toBe('not_found');
		expect((await refused({ variables }, { slug: 'no-such-prompt' })).status).toBe(404);
	});

	it('a body that is not the schema: 400 invalid_request with the issue', async () => {
		for (const body of [{ variables, model: 'gpt-4' }, { variables, temperature: 2 }, { variables, label: 'production', version: 1 }, { variables, parameters: { maxTokens: 0 } }]) {
			const answer = await refused(body);
			expect(answer.status).toBe(400);
			expect(answer.error.code).toBe('invalid_request');
		}
	});

	it('no token 401, a read-only token 403 insufficient_scope', async () => {
		expect((await refused({ variables }, { token: null })).error.code).toBe('unauthorized');
		const scoped = await refused({ variables }, { token: readToken });
		expect(scoped.status).toBe(403);
		expect(scoped.error).toMatchObject({ code: 'insufficient_scope', details: { needed: 'run', granted: ['read'] } });
	});

	it('a model with no endpoint and no stand-in: 503 model_unavailable naming what to set', async () => {
		const answer = await refused({ variables, model: 'codet5p' });
		expect(answer.status).toBe(503);
		expect(answer.error).toMatchObject({ code: 'model_unavailable', message: expect.stringContaining('CODET5P_ENDPOINT_URL'), details: { model: 'codet5p' } });
	});

	it('too many runs with one token: 429 rate_limited with Retry-After; another token still runs', async () => {
		const { token } = await createApiToken(team.owner, { name: 'busy', scopes: ['run'], expiresInDays: 0 });
		let answer: Response | undefined;
		for (let i = 0; i < 13; i++) {
			answer = await post({ variables, stream: false }, { token });
			if (answer.status === 429) break;
			expect(answer.status).toBe(200);
			await answer.json();
		}
		expect(answer!.status).toBe(429);
		expect(Number(answer!.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(((await answer!.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
		expect((await post({ variables, stream: false })).status).toBe(200);
	});
});
