// The embedded model: the shipped ONNX model run in-process by transformers.js, through the gateway
// as any model, and the one loading path for a folder on disk and a Hub id (against a local server in
// the Hub's file layout: the network edge these tests cannot reach).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DraftContent } from '../../src/lib/prompt-doc';
import { ModelCancelledError, ModelInputError, prepareRequest, streamGeneration, type GenerationEvent } from '../../src/lib/server/models/gateway';
import { loadEmbeddedModel, SHIPPED_MODEL_ID, streamEmbedded, type EmbeddedModel, type ModelSource } from '../../src/lib/server/models/embedded';
import type { EndpointSettings, GenerationParameters } from '../../src/lib/server/models/registry';
import { startHubMirror } from '../helpers/hub-mirror';

const MODELS_DIR = resolve('models');
const SHIPPED_DIR = join(MODELS_DIR, SHIPPED_MODEL_ID);
const PROMPT = 'def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n';
const GREEDY: GenerationParameters = { max_new_tokens: 40, temperature: 0 };

let scratch: string;
let shipped: EmbeddedModel;

const source = (overrides: Partial<ModelSource> = {}): ModelSource => ({
	id: SHIPPED_MODEL_ID,
	dir: MODELS_DIR,
	cacheDir: join(scratch, 'cache'),
	hubUrl: 'http://127.0.0.1:9/', // nothing listens there: a download attempt fails at once
	...overrides
});

async function collect(events: AsyncIterable<GenerationEvent>) {
	let text = '';
	const tokens: string[] = [];
	let done: Extract<GenerationEvent, { type: 'done' }> | undefined;
	for await (const event of events) {
		if (event.type === 'token') {
			tokens.push(event.text);
			text += event.text;
		} else done = event;
	}
	return { text, tokens, done };
}

const greedy = (model: EmbeddedModel, text = PROMPT, parameters = GREEDY) => collect(streamEmbedded(model, { text, parameters }));

beforeAll(async () => {
	scratch = await mkdtemp(join(tmpdir(), 'cts-embedded-'));
	shipped = await loadEmbeddedModel(source());
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('the shipped model', () => {
	it('loads from the repository with its context length and end-of-text token', () => {
		expect(shipped.id).toBe(SHIPPED_MODEL_ID);
		expect(shipped.fallbackReason).toBeNull();
		expect(shipped.contextLength).toBe(512);
		expect(shipped.eosTokenId).toBe(0);
	});

	it('encodes text exactly as the training script did (tokenizer.json read by transformers.js)', async () => {
		const { samples } = (await import('../fixtures/embedded-tokenizer.json')).default as { samples: { text: string; ids: number[] }[] };
		expect(samples.length).toBeGreaterThan(3);
		for (const sample of samples) {
			expect(shipped.tokenizer.encode(sample.text)).toEqual(sample.ids);
			expect(shipped.tokenizer.decode(sample.ids)).toBe(sample.text);
		}
	});

	it('gives the same greedy output for a fixed prompt on every run, and after loading again', async () => {
		const first = await greedy(shipped);
		const second = await greedy(shipped);
		const reloaded = await greedy(await loadEmbeddedModel(source()));
		expect(first.tokens.length).toBeGreaterThan(5);
		expect(first.text.trim()).not.toBe('');
		expect(second.text).toBe(first.text);
		expect(reloaded.text).toBe(first.text);
		expect(first.done).toMatchObject({ type: 'done', usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) } });
		expect(first.done!.usage!.completionTokens).toBeLessThanOrEqual(40);
	});

	it('streams token by token: many events, each decoded text, together the whole answer', async () => {
		const { tokens, text, done } = await greedy(shipped, PROMPT, { max_new_tokens: 24, temperature: 0 });
		expect(tokens.length).toBeGreaterThan(1);
		expect(tokens.join('')).toBe(text);
		expect(text).not.toContain('\uFFFD');
		// Cut by the limit at exactly 24 tokens, or ended by the model itself before it.
		if (done!.finishReason === 'length') expect(done!.usage!.completionTokens).toBe(24);
		else expect(done!.usage!.completionTokens).toBeLessThan(24);
		expect(tokens.length).toBeLessThanOrEqual(done!.usage!.completionTokens!);
	});

	it('refuses a prompt longer than its context with a clear error, before generating anything', async () => {
		const oversize = 'x = 1\n'.repeat(400);
		const error = await greedy(shipped, oversize).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelInputError);
		expect((error as Error).message).toMatch(/^The prompt is \d+ tokens long, but the local stand-in model \(codetune-tiny-code\) reads at most 512 tokens, prompt and answer together\./);
	});

	it('shortens the answer to what the context leaves: prompt plus output never pass it', async () => {
		const long = 'def f(a, b):\n    return a + b\n'.repeat(20);
		// The model reads the prompt without its trailing newline, which it writes again (token healing).
		const promptTokens = shipped.tokenizer.encode(long.trimEnd()).length;
		expect(512 - promptTokens).toBeLessThan(400);
		const { done } = await greedy(shipped, long, { max_new_tokens: 400, temperature: 0 });
		expect(done!.usage!.promptTokens).toBe(promptTokens);
		const total = done!.usage!.promptTokens! + done!.usage!.completionTokens!;
		if (done!.finishReason === 'length') expect(total).toBe(512);
		else expect(total).toBeLessThanOrEqual(512);
	});

	it('stops at a stop sequence with finish reason stop, on the token that completes it', async () => {
		const free = await greedy(shipped, PROMPT, { max_new_tokens: 30, temperature: 0 });
		// A stop sequence made of the end of the 6th token and the start of the 7th (or the 6th alone).
		const before = free.tokens.slice(0, 5).join('');
		const sixth = free.tokens[5]!;
		const seventh = free.tokens[6] ?? '';
		const sequence = (sixth.slice(-2) + seventh.slice(0, 1)) || sixth;
		const cut = free.text.indexOf(sequence);
		const { text, done } = await greedy(shipped, PROMPT, { max_new_tokens: 30, temperature: 0, stop: [sequence] });
		expect(done!.finishReason).toBe('stop');
		expect(text.length).toBeGreaterThanOrEqual(cut + sequence.length);
		expect(text.length).toBeLessThanOrEqual(Math.max(cut + sequence.length, before.length + sixth.length + seventh.length));
		expect(free.text.startsWith(text)).toBe(true);
	});

	it('samples with temperature and top_p and still answers within the limits', async () => {
		const { tokens, done } = await greedy(shipped, PROMPT, { max_new_tokens: 30, temperature: 0.9, top_p: 0.95, seed: 7 });
		expect(tokens.length).toBeGreaterThan(0);
		expect(done!.usage!.completionTokens).toBeLessThanOrEqual(30);
	});

	it('stops generating when cancelled: no token after the abort, the error keeps the text so far', async () => {
		const controller = new AbortController();
		const seen: string[] = [];
		let afterAbort = 0;
		const error = await (async () => {
			for await (const event of streamEmbedded(shipped, { text: PROMPT, parameters: { max_new_tokens: 400, temperature: 0 } }, controller.signal)) {
				if (event.type !== 'token') continue;
				if (controller.signal.aborted) afterAbort++;
				seen.push(event.text);
				if (seen.length === 3) controller.abort();
			}
		})().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelCancelledError);
		expect((error as ModelCancelledError).partialOutput).toBe(seen.join(''));
		// The interrupt lands at the next step: at most the token being decoded then follows.
		expect(afterAbort).toBeLessThanOrEqual(1);
		expect(seen.length).toBeLessThan(10);
	});
});

describe('through the gateway, as a model with no endpoint', () => {
	const content: DraftContent = {
		systemPrompt: '# A helper module.',
		userPromptTemplate: 'def {{name}}(items):\n',
		fewShotExamples: [],
		parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 20, topP: 1, stop: [] }
	};
	const settings: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined, EMBEDDED_MODEL: SHIPPED_MODEL_ID };

	it('both model slots stream the stand-in: the chat model gets the same plain text as the text model', async () => {
		const chat = await collect(streamGeneration(prepareRequest('whiterabbitneo', { content, variables: { name: 'largest' } }, settings)));
		const text = await collect(streamGeneration(prepareRequest('codet5p', { content, variables: { name: 'largest' } }, settings)));
		expect(chat.tokens.length).toBeGreaterThan(0);
		expect(chat.text).toBe(text.text);
		const direct = await greedy(shipped, '# A helper module.\n\ndef largest(items):\n', { max_new_tokens: 20, temperature: 0 });
		expect(chat.text).toBe(direct.text);
	});

	it('an abort signal reaches the stand-in as it reaches a remote model', async () => {
		const controller = new AbortController();
		const error = await (async () => {
			for await (const event of streamGeneration(prepareRequest('codet5p', { content: { ...content, parameters: { ...content.parameters, maxTokens: 300 } }, variables: { name: 'f' } }, settings), { signal: controller.signal })) {
				if (event.type === 'token') controller.abort();
			}
		})().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelCancelledError);
	});
});

describe('one loading path for folders and Hub ids', () => {
	it('loads a model folder from another directory by name, with the same answers', async () => {
		const elsewhere = join(scratch, 'elsewhere');
		await cp(SHIPPED_DIR, join(elsewhere, 'my-code-model'), { recursive: true });
		const copy = await loadEmbeddedModel(source({ id: 'my-code-model', dir: elsewhere }));
		expect(copy.id).toBe('my-code-model');
		expect((await greedy(copy)).text).toBe((await greedy(shipped)).text);
	});

	it('a missing folder is a clear load error naming where it looked', async () => {
		const error = await loadEmbeddedModel(source({ id: 'no-such-model', dir: join(scratch, 'empty') })).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/^The embedded model no-such-model could not be loaded from .*empty\/no-such-model/);
	});

	it('a dtype whose ONNX file the folder lacks is a clear load error naming the file', async () => {
		const error = await loadEmbeddedModel(source({ dtype: 'q8' })).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/^The embedded model codetune-tiny-code could not be loaded from .*: .*onnx\/model_quantized\.onnx/);
	});

	it('downloads a Hub id from the Hub into the disk cache, then loads it from the cache with the Hub gone', async () => {
		const hub = await startHubMirror({ 'codetune/tiny-code-mirror': SHIPPED_DIR });
		const cacheDir = join(scratch, 'hub-cache');
		const online = await loadEmbeddedModel(source({ id: 'codetune/tiny-code-mirror', hubUrl: hub.url, cacheDir, dir: join(scratch, 'no-local-models') }));
		await hub.close();
		expect(online.id).toBe('codetune/tiny-code-mirror');
		expect(online.fallbackReason).toBeNull();
		expect(hub.requests).toContain('GET /codetune/tiny-code-mirror/resolve/main/onnx/model.onnx');
		expect(hub.requests).toContain('GET /codetune/tiny-code-mirror/resolve/main/tokenizer.json');
		const cached = await readdir(join(cacheDir, 'codetune', 'tiny-code-mirror'), { recursive: true });
		expect(cached).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', join('onnx', 'model.onnx')]));

		const offline = await loadEmbeddedModel(source({ id: 'codetune/tiny-code-mirror', hubUrl: hub.url, cacheDir, dir: join(scratch, 'no-local-models') }));
		expect(offline.id).toBe('codetune/tiny-code-mirror');
		expect(offline.fallbackReason).toBeNull();
		expect((await greedy(offline)).text).toBe((await greedy(shipped)).text);
	});

	it('offline, a Hub id it never downloaded falls back to the shipped model and says why', async () => {
		const model = await loadEmbeddedModel(source({ id: 'someone/unreachable-model', cacheDir: join(scratch, 'empty-cache') }));
		expect(model.requestedId).toBe('someone/unreachable-model');
		expect(model.id).toBe(SHIPPED_MODEL_ID);
		expect(model.fallbackReason).toMatch(/someone\/unreachable-model could not be loaded/);
		expect((await greedy(model)).text).toBe((await greedy(shipped)).text);
	});
});
