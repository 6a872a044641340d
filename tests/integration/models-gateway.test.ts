// The model gateway against a local server speaking TGI's wire protocol, through the real
// @huggingface/inference client: what it sends, what it streams, and every way a run can fail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { DraftContent } from '../../src/lib/prompt-doc';
import {
	ModelCancelledError,
	ModelInputError,
	ModelLoadingError,
	ModelNotConfiguredError,
	ModelRequestError,
	ModelStreamError,
	ModelTimeoutError,
	prepareRequest,
	streamGeneration,
	streamWithRetry,
	type GenerationEvent,
	type GenerationInput,
	type GenerationOptions,
	type RetryOptions,
	type WaitingInfo
} from '../../src/lib/server/models/gateway';
import { isModelConfigured, type EndpointSettings, type ModelId } from '../../src/lib/server/models/registry';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';

let tgi: TgiServer;
let settings: EndpointSettings;

beforeAll(async () => {
	tgi = await startTgiServer();
	settings = { WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: `${tgi.url}/`, HF_TOKEN: 'hf_test_token' };
});
afterAll(() => tgi?.close());
beforeEach(() => tgi.script({}));

const content = (overrides: Partial<DraftContent> = {}): DraftContent => ({
	systemPrompt: 'You are a security reviewer.',
	userPromptTemplate: 'Review this {{language}} code:\n{{code}}',
	fewShotExamples: [
		{ input: 'Review: eval(input)', output: 'Remote code execution: never eval user input.' },
		{ input: 'Review: md5(password)', output: 'Weak hash: use a password hash.' }
	],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 300, topP: 0.9, seed: 42, stop: ['###'] },
	...overrides
});
const variables = { language: 'Python', code: 'os.system(cmd)' };

async function collect(iterable: AsyncIterable<GenerationEvent>) {
	const events: GenerationEvent[] = [];
	let text = '';
	for await (const event of iterable) {
		events.push(event);
		if (event.type === 'token') text += event.text;
	}
	return { events, text, done: events.at(-1) };
}

async function failure(iterable: AsyncIterable<GenerationEvent>) {
	let text = '';
	try {
		for await (const event of iterable) if (event.type === 'token') text += event.text;
	} catch (error) {
		return { error: error as Error & { partialOutput?: string }, text };
	}
	throw new Error('expected the run to fail');
}

/** A run as the engine makes one: its request prepared (a refusal is thrown from the first step), then streamed. */
async function* run(model: ModelId, options: GenerationOptions & { endpoints?: EndpointSettings } = {}, c = content(), input: GenerationInput = { content: c, variables }) {
	const { endpoints = settings, ...streaming } = options;
	yield* streamGeneration(prepareRequest(model, input, endpoints), streaming);
}

/** The same, waiting out a sleeping model. */
const retried = (model: ModelId, options: RetryOptions & { endpoints?: EndpointSettings } = {}) => {
	const { endpoints = settings, ...streaming } = options;
	return streamWithRetry(prepareRequest(model, { content: content(), variables }, endpoints), streaming);
};

describe('streaming through @huggingface/inference', () => {
	it('WhiteRabbitNeo: chat completion with system and few-shot turns; the text is what the server sent', async () => {
		const tokens = ['`os.system`', ' with', ' user', ' input', ' is', ' command', ' injection', '.'];
		tgi.script({ tokens });
		const { text, done, events } = await collect(run('whiterabbitneo'));
		expect(text).toBe(tokens.join(''));
		expect(events.filter((e) => e.type === 'token')).toHaveLength(tokens.length);
		expect(done).toEqual({ type: 'done', finishReason: 'stop', usage: { promptTokens: 12, completionTokens: tokens.length } });

		expect(tgi.requests).toHaveLength(1);
		const [request] = tgi.requests;
		expect(request!.method).toBe('POST');
		expect(request!.path).toBe('/v1/chat/completions');
		expect(request!.headers.authorization).toBe('Bearer hf_test_token');
		expect(request!.body).toEqual({
			messages: [
				{ role: 'system', content: 'You are a security reviewer.' },
				{ role: 'user', content: 'Review: eval(input)' },
				{ role: 'assistant', content: 'Remote code execution: never eval user input.' },
				{ role: 'user', content: 'Review: md5(password)' },
				{ role: 'assistant', content: 'Weak hash: use a password hash.' },
				{ role: 'user', content: 'Review this Python code:\nos.system(cmd)' }
			],
			max_tokens: 300,
			temperature: 0.2,
			top_p: 0.9,
			seed: 42,
			stop: ['###'],
			stream: true,
			model: 'WhiteRabbitNeo/WhiteRabbitNeo-33B-v1'
		});
	});

	it('CodeT5+: plain text to /v1/completions in OpenAI shape; the text is what the server sent', async () => {
		const tokens = ['def', ' add', '(a, b):', '\n    return', ' a + b'];
		tgi.script({ tokens, finishReason: 'length' });
		const c = content({
			systemPrompt: '',
			fewShotExamples: [],
			userPromptTemplate: 'Generate {{language}} code: {{task}}',
			parameters: { modelType: 'codet5p', temperature: 0, maxTokens: 5000 }
		});
		const { text, done } = await collect(
			run('codet5p', {}, c, { content: c, variables: { language: 'Python', task: 'add two numbers' } })
		);
		expect(text).toBe(tokens.join(''));
		expect(done).toMatchObject({ type: 'done', finishReason: 'length' });
		const [request] = tgi.requests;
		expect(request!.path).toBe('/v1/completions');
		expect(request!.body).toEqual({
			model: 'Salesforce/instructcodet5p-16b',
			stream: true,
			max_tokens: 1024, // clamped to the model's limit
			temperature: 0,
			prompt: 'Generate Python code: add two numbers'
		});
	});

	it('streams slow tokens as they arrive, not at the end', async () => {
		tgi.script({ tokens: ['a', 'b', 'c', 'd'], delayMs: 80 });
		const started = Date.now();
		const arrivals: number[] = [];
		for await (const event of run('whiterabbitneo')) if (event.type === 'token') arrivals.push(Date.now() - started);
		expect(arrivals).toHaveLength(4);
		expect(arrivals[3]! - arrivals[0]!).toBeGreaterThanOrEqual(200);
	});

	it('many runs at once each get their own whole stream', async () => {
		tgi.script({ tokens: Array.from({ length: 30 }, (_, i) => `w${i} `), delayMs: 2 });
		const results = await Promise.all(Array.from({ length: 20 }, (_, i) => collect(run(i % 2 ? 'codet5p' : 'whiterabbitneo'))));
		for (const { text, done } of results) {
			expect(text).toBe(Array.from({ length: 30 }, (_, i) => `w${i} `).join(''));
			expect(done?.type).toBe('done');
		}
		expect(tgi.requests).toHaveLength(20);
	});

	it('abort stops the upstream request: the server sees its client go away', async () => {
		tgi.script({ tokens: Array.from({ length: 50 }, (_, i) => `t${i} `), delayMs: 40 });
		const controller = new AbortController();
		let text = '';
		const { error } = await failure(
			(async function* () {
				for await (const event of run('whiterabbitneo', { signal: controller.signal })) {
					if (event.type === 'token') {
						text += event.text;
						if (text.split(' ').length > 3) controller.abort();
					}
					yield event;
				}
			})()
		);
		expect(error).toBeInstanceOf(ModelCancelledError);
		expect(error.partialOutput).toBe('t0 t1 t2 ');
		await tgi.requests[0]!.finished;
		expect(tgi.requests[0]!.clientClosed).toBe(true);
		expect(tgi.requests[0]!.tokensSent).toBeLessThan(10);
	});

	it('a consumer that stops reading also closes the upstream request', async () => {
		tgi.script({ tokens: Array.from({ length: 50 }, (_, i) => `t${i} `), delayMs: 40 });
		for await (const event of run('codet5p')) if (event.type === 'token') break;
		await tgi.requests[0]!.finished;
		expect(tgi.requests[0]!.clientClosed).toBe(true);
	});
});

describe('a sleeping model', () => {
	it('503 loading is retried with backoff, reporting the wait, then streams', async () => {
		tgi.script({ loadingFor: 2, estimatedTime: 42, tokens: ['awake'] });
		const waits: WaitingInfo[] = [];
		const { text } = await collect(
			retried('whiterabbitneo', { initialDelayMs: 20, maxDelayMs: 30, onWaiting: (w) => waits.push(w) })
		);
		expect(text).toBe('awake');
		expect(tgi.requests).toHaveLength(3);
		expect(waits.map((w) => w.attempt)).toEqual([1, 2]);
		expect(waits[0]!.estimatedSeconds).toBe(42);
		expect(waits[0]!.message).toBe('Waking WhiteRabbitNeo-33B, ~42 s');
	});

	it('without the retry helper, 503 is a ModelLoadingError with the estimate', async () => {
		tgi.script({ loadingFor: 1, estimatedTime: 7.5 });
		const { error } = await failure(run('codet5p'));
		expect(error).toBeInstanceOf(ModelLoadingError);
		expect((error as ModelLoadingError).estimatedTime).toBe(7.5);
		expect(error.message).toContain('Model is currently loading');
		expect(tgi.requests).toHaveLength(1); // the library's own endless 503 retry is off
	});

	it('gives up after the last attempt', async () => {
		tgi.script({ loadingFor: 100 });
		const { error } = await failure(
			retried('codet5p', { initialDelayMs: 1, maxAttempts: 3 })
		);
		expect(error).toBeInstanceOf(ModelLoadingError);
		expect(tgi.requests).toHaveLength(3);
	});

	it('a refused connection is a loading state, waited out', async () => {
		const port = await new Promise<number>((resolve) => {
			const probe = createServer().listen(0, '127.0.0.1', () => {
				const p = (probe.address() as { port: number }).port;
				probe.close(() => resolve(p));
			});
		});
		const refused = { ...settings, WHITERABBITNEO_ENDPOINT_URL: `http://127.0.0.1:${port}` };
		const { error } = await failure(run('whiterabbitneo', { endpoints: refused }));
		expect(error).toBeInstanceOf(ModelLoadingError);
		expect(error.message).toContain('connection refused');

		const waits: WaitingInfo[] = [];
		const { error: after } = await failure(
			retried('whiterabbitneo', { endpoints: refused, initialDelayMs: 5, maxAttempts: 3, onWaiting: (w) => waits.push(w) })
		);
		expect(after).toBeInstanceOf(ModelLoadingError);
		expect(waits).toHaveLength(2);
		expect(waits[0]!.message).toMatch(/^Waking WhiteRabbitNeo-33B, ~\d+ s$/);
	});

	it('cancelling while waiting for the model to wake stops the retries', async () => {
		tgi.script({ loadingFor: 100 });
		const controller = new AbortController();
		const { error } = await failure(
			retried('whiterabbitneo', {
				signal: controller.signal,
				initialDelayMs: 10_000,
				onWaiting: () => setTimeout(() => controller.abort(), 20)
			})
		);
		expect(error).toBeInstanceOf(ModelCancelledError);
		expect(tgi.requests).toHaveLength(1);
	});

	it('is never retried once tokens have arrived', async () => {
		tgi.script({ tokens: ['a', 'b', 'c'], destroyAfter: 2 });
		const { error, text } = await failure(
			retried('whiterabbitneo', { initialDelayMs: 1 })
		);
		expect(error).toBeInstanceOf(ModelStreamError);
		expect(text).toBe('ab');
		expect(tgi.requests).toHaveLength(1);
	});
});

describe('failures end the run with a clear reason and keep the partial output', () => {
	it('4xx: ModelRequestError with the server message', async () => {
		tgi.script({ httpError: { status: 422, message: 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096' } });
		const { error } = await failure(run('whiterabbitneo'));
		expect(error).toBeInstanceOf(ModelRequestError);
		expect((error as ModelRequestError).status).toBe(422);
		expect(error.message).toContain('Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096');
	});

	it('401 on the text route: ModelRequestError', async () => {
		tgi.script({ httpError: { status: 401, message: 'Invalid credentials in Authorization header' } });
		const { error } = await failure(run('codet5p'));
		expect(error).toBeInstanceOf(ModelRequestError);
		expect(error.message).toContain('Invalid credentials');
	});

	for (const model of ['whiterabbitneo', 'codet5p'] as const) {
		it(`${model}: the endpoint dying mid-stream is a ModelStreamError with the partial output`, async () => {
			tgi.script({ tokens: ['one', ' two', ' three', ' four'], destroyAfter: 2 });
			const { error, text } = await failure(run(model));
			expect(error).toBeInstanceOf(ModelStreamError);
			expect(text).toBe('one two');
			expect(error.partialOutput).toBe('one two');
		});

		it(`${model}: an error event mid-stream is a ModelStreamError with its message and the partial output`, async () => {
			tgi.script({ tokens: ['one', ' two', ' three'], errorEventAfter: 1, errorMessage: 'CUDA out of memory' });
			const { error } = await failure(run(model));
			expect(error).toBeInstanceOf(ModelStreamError);
			expect(error.message).toContain('CUDA out of memory');
			expect(error.partialOutput).toBe('one');
		});

		it(`${model}: a malformed line is a ModelStreamError`, async () => {
			tgi.script({ tokens: ['one', ' two'], malformedAfter: 1 });
			const { error } = await failure(run(model));
			expect(error).toBeInstanceOf(ModelStreamError);
			expect(error.message).toContain('malformed');
			expect(error.partialOutput).toBe('one');
		});

		it(`${model}: a stream closed before a finish reason is a ModelStreamError`, async () => {
			tgi.script({ tokens: ['one', ' two', ' three'], truncateAfter: 2 });
			const { error } = await failure(run(model));
			expect(error).toBeInstanceOf(ModelStreamError);
			expect(error.message).toContain('ended before the model finished');
			expect(error.partialOutput).toBe('one two');
		});
	}

	it('no data for longer than the timeout: ModelTimeoutError with the partial output', async () => {
		tgi.script({ tokens: ['fast', ' then', ' slow'], delayMs: 400 });
		const { error } = await failure(run('whiterabbitneo', { idleTimeoutMs: 150 }));
		expect(error).toBeInstanceOf(ModelTimeoutError);
		expect(error.partialOutput).toBe('fast');
		await tgi.requests[0]!.finished;
		expect(tgi.requests[0]!.clientClosed).toBe(true);
	});

	it('no answer at all within the timeout (headers never come): ModelTimeoutError', async () => {
		tgi.script({ headerDelayMs: 500 });
		const { error } = await failure(run('codet5p', { idleTimeoutMs: 100 }));
		expect(error).toBeInstanceOf(ModelTimeoutError);
		expect(error.partialOutput).toBe('');
	});

	it('a 500 is a ModelRequestError, not retried as loading', async () => {
		tgi.script({ httpError: { status: 500, message: 'Internal server error', type: 'generation' } });
		const { error } = await failure(
			retried('codet5p', { initialDelayMs: 1 })
		);
		expect(error).toBeInstanceOf(ModelRequestError);
		expect((error as ModelRequestError).status).toBe(500);
		expect(tgi.requests).toHaveLength(1);
	});

	it('the mid-stream disconnect message says the connection broke', async () => {
		tgi.script({ tokens: ['one', ' two'], destroyAfter: 1 });
		const { error } = await failure(run('whiterabbitneo'));
		expect(error.message).toMatch(/^The connection to WhiteRabbitNeo-33B broke: /);
	});

	it('missing variables: a clear error before any request', async () => {
		const { error } = await failure(
			run('whiterabbitneo', {}, content(), { content: content(), variables: { language: 'Go' } })
		);
		expect(error).toBeInstanceOf(ModelInputError);
		expect(error.message).toBe('Fill in the variable {{code}} before running.');
		expect((error as ModelInputError).missing).toEqual(['code']);
		expect(tgi.requests).toHaveLength(0);
	});

	it('a malformed template: a clear error before any request', async () => {
		const { error } = await failure(run('codet5p', {}, content({ userPromptTemplate: 'Generate {{#lang}} code' })));
		expect(error).toBeInstanceOf(ModelInputError);
		expect(tgi.requests).toHaveLength(0);
	});

	it('an unconfigured model says so plainly, with how to add one', async () => {
		const none: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined };
		expect(isModelConfigured('codet5p', none)).toBe(false);
		expect(isModelConfigured('codet5p', settings)).toBe(true);
		const { error } = await failure(run('codet5p', { endpoints: none }));
		expect(error).toBeInstanceOf(ModelNotConfiguredError);
		expect(error.message).toMatch(/^No model endpoint is configured for CodeT5\+ 16B: set CODET5P_ENDPOINT_URL /);
	});
});

describe('the test server speaks TGI native generate_stream', () => {
	it('token events with generated_text on the last, no [DONE]; errors as {error, error_type}', async () => {
		tgi.script({ tokens: ['a', 'b'] });
		const response = await fetch(`${tgi.url}/generate_stream`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ inputs: 'x', parameters: { max_new_tokens: 2 } })
		});
		expect(response.headers.get('content-type')).toBe('text/event-stream');
		const lines = (await response.text()).split('\n\n').filter(Boolean);
		expect(lines).toHaveLength(2);
		expect(lines.every((l) => l.startsWith('data:{'))).toBe(true);
		const events = lines.map((l) => JSON.parse(l.slice(5)));
		expect(events[0]).toMatchObject({ token: { text: 'a', special: false }, generated_text: null, details: null });
		expect(events[1]).toMatchObject({ token: { text: 'b' }, generated_text: 'ab', details: { finish_reason: 'eos_token', generated_tokens: 2 } });

		tgi.script({ tokens: ['a', 'b'], errorEventAfter: 1, errorMessage: 'boom' });
		const failed = await (await fetch(`${tgi.url}/generate_stream`, { method: 'POST', body: '{"inputs":"x"}' })).text();
		expect(failed.trim().split('\n\n').at(-1)).toBe('data:{"error":"boom","error_type":"generation"}');
	});
});
