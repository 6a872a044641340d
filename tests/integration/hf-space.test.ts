// The Space (deploy/hf-space) as the studio meets it, with no GPU: its real proxy, and its real CodeT5+
// server around a scripted stand-in model, driven by the studio's own client (the gateway, through
// @huggingface/inference) and by plain HTTP. WhiteRabbitNeo's TGI is the tests' TGI stand-in. What a
// user would see: answers streamed through both protocols, a queue that stays alive past the idle
// timeout, a model that failed to load answered at once while the other serves, a cold start told as
// one, WhiteRabbitNeo's turn stop applied and kept out of the answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DraftContent } from '../../src/lib/prompt-doc';
import {
	ModelLoadingError,
	ModelRequestError,
	prepareRequest,
	streamGeneration,
	streamWithRetry,
	type GenerationEvent,
	type WaitingInfo
} from '../../src/lib/server/models/gateway';
import type { EndpointSettings, ModelId } from '../../src/lib/server/models/registry';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import {
	freePort,
	runSpaceScript,
	runSpaceUnitTests,
	SPACE_DIR,
	spacePythonMissing,
	sseData,
	startCodeT5pStandIn,
	startSpaceProxy,
	type PythonServer
} from '../helpers/space-processes';

const missing = spacePythonMissing();
// The stand-in model's answer (tests/hf-space/serve_codet5p_stand_in.py).
const ANSWER = 'def add(a, b):\n    return a + b';
const INSTRUCTION_START = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n';

const content = (model: ModelId, overrides: Partial<DraftContent> = {}): DraftContent => ({
	systemPrompt: '',
	userPromptTemplate: 'Write a function that adds {{a}} and {{b}}.',
	fewShotExamples: [],
	parameters: { modelType: model, temperature: 0, maxTokens: 64, stop: ['###'] },
	...overrides
});
const variables = { a: 'a', b: 'b' };

async function collect(iterable: AsyncIterable<GenerationEvent>) {
	const events: GenerationEvent[] = [];
	for await (const event of iterable) events.push(event);
	const text = events.map((e) => (e.type === 'token' ? e.text : '')).join('');
	return { events, text, done: events.at(-1) };
}

async function failure(iterable: AsyncIterable<GenerationEvent>): Promise<Error> {
	try {
		for await (const _ of iterable) void _;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the run to fail');
}

describe.skipIf(missing !== null)(`the Space's servers, driven by the studio${missing ? ` (skipped: ${missing})` : ''}`, () => {
	let tgi: TgiServer;
	let codet5p: PythonServer;
	let proxy: PythonServer;
	let scratch: string;
	let stateDir: string;
	let settings: EndpointSettings;

	beforeAll(async () => {
		scratch = mkdtempSync(join(tmpdir(), 'hf-space-'));
		stateDir = join(scratch, 'state');
		mkdirSync(stateDir);
		tgi = await startTgiServer();
		codet5p = await startCodeT5pStandIn({ keepaliveSeconds: 0.25, maxWaiting: 2 });
		proxy = await startSpaceProxy({ wrnUrl: tgi.url, codet5pUrl: codet5p.url, stateDir, hfHome: join(scratch, 'hf') });
		settings = { WHITERABBITNEO_ENDPOINT_URL: `${proxy.url}/whiterabbitneo`, CODET5P_ENDPOINT_URL: `${proxy.url}/codet5p`, HF_TOKEN: undefined };
	});
	afterAll(async () => {
		await Promise.all([proxy?.stop(), codet5p?.stop(), tgi?.close()]);
		rmSync(scratch, { recursive: true, force: true });
	});
	beforeEach(() => tgi.script({}));

	const run = (model: ModelId, options: Parameters<typeof streamGeneration>[1] = {}, c = content(model)) =>
		streamGeneration(prepareRequest(model, { content: c, variables }, settings), options);

	const lastPrompt = async () => ((await (await fetch(`${codet5p.url}/__prompts`)).json()) as { prompts: string[] }).prompts.at(-1);

	it("streams CodeT5+'s answer through the proxy and the real server to the studio's client, in Salesforce's instruction template", async () => {
		const { text, events, done } = await collect(run('codet5p'));
		expect(text).toBe(ANSWER);
		expect(events.filter((e) => e.type === 'token')).toHaveLength(9);
		expect(done).toMatchObject({ type: 'done', finishReason: 'stop', usage: { completionTokens: 9 } });
		expect(await lastPrompt()).toBe(`${INSTRUCTION_START}Write a function that adds a and b.\n\n### Response:`);
	});

	it('a prompt already written in the instruction template is sent as it is', async () => {
		const own = `${INSTRUCTION_START}Sort a list.\n\n### Response:`;
		await collect(run('codet5p', {}, content('codet5p', { userPromptTemplate: own })));
		expect(await lastPrompt()).toBe(own);
	});

	it("speaks TGI's native /generate_stream through the proxy", async () => {
		const response = await fetch(`${proxy.url}/codet5p/generate_stream`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ inputs: 'def add(a, b):', parameters: { max_new_tokens: 3 } })
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
		const events = [];
		for await (const data of sseData(response)) events.push(JSON.parse(data));
		expect(events.map((e) => e.token.text)).toEqual(['def', ' add', '(a,']);
		expect(events.at(-1)).toMatchObject({ generated_text: 'def add(a,', details: { finish_reason: 'length', generated_tokens: 3 } });
	});

	it('a queued CodeT5+ request stays alive past the idle timeout on empty chunks, which never become tokens, and one past the queue is told the model is busy', async () => {
		// A generation that holds the GPU until released.
		const holder = await fetch(`${proxy.url}/codet5p/v1/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: '[hold] first', max_tokens: 2, stream: true })
		});
		const held = (async () => {
			for await (const _ of sseData(holder)) void _;
		})();
		while (!(await lastPrompt())?.includes('[hold]')) await new Promise((r) => setTimeout(r, 20));

		// The studio's run waits in the queue with a 1.5 s idle timeout…
		const queued = collect(run('codet5p', { idleTimeoutMs: 1500 }));
		// …while a second queued stream counts the signs of life: 8 of them, 0.25 s apart, outlast that timeout.
		const watcher = await fetch(`${proxy.url}/codet5p/v1/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'second', max_tokens: 1, stream: true })
		});
		const keepalives = [];
		const watched = sseData(watcher);
		for await (const data of watched) {
			const chunk = JSON.parse(data);
			expect(chunk.choices[0]).toMatchObject({ text: '', finish_reason: null });
			if (keepalives.push(chunk) === 8) break;
		}

		// Two wait already: a third is refused with words, not left hanging.
		const busy = await failure(run('codet5p'));
		expect(busy).toBeInstanceOf(ModelRequestError);
		expect((busy as ModelRequestError).status).toBe(429);
		expect(busy.message).toMatch(/CodeT5\+ is busy: 2 requests are already waiting/);

		await fetch(`${codet5p.url}/__release`, { method: 'POST' });
		const { text, events, done } = await queued;
		expect(text).toBe(ANSWER);
		expect(events.every((e) => e.type !== 'token' || e.text !== '')).toBe(true);
		expect(done).toMatchObject({ type: 'done', finishReason: 'stop' });
		await held;
		await watched.return(undefined);
	});

	it("adds WhiteRabbitNeo's \"\\nUSER:\" turn stop to a chat request and keeps it out of the answer", async () => {
		tgi.script({ tokens: ['Use', ' parameters', '.', '\n', 'USER', ':'], finishReason: 'stop' });
		const { text, done } = await collect(run('whiterabbitneo', {}, content('whiterabbitneo')));
		expect(text).toBe('Use parameters.');
		expect(done).toMatchObject({ type: 'done', finishReason: 'stop' });
		expect(tgi.requests.at(-1)?.body).toMatchObject({ stop: ['###', '\nUSER:'] });
	});

	it('text held back as the possible start of the turn stop is sent once the answer shows it was not', async () => {
		tgi.script({ tokens: ['a', '\nUS', 'B', ' port'], finishReason: 'length' });
		const { text } = await collect(run('whiterabbitneo', {}, content('whiterabbitneo')));
		expect(text).toBe('a\nUSB port');
	});

	it('a model that cannot run on this Space is answered at once with the reason, while the other keeps serving', async () => {
		const reason = "This Space's GPU (NVIDIA L4, 22.0 GiB) is too small: the two models need about 75 GiB.";
		writeFileSync(join(stateDir, 'whiterabbitneo.failed'), `${reason}\n`);
		try {
			const waits: WaitingInfo[] = [];
			const error = await failure(
				streamWithRetry(prepareRequest('whiterabbitneo', { content: content('whiterabbitneo'), variables }, settings), { initialDelayMs: 1, onWaiting: (w) => waits.push(w) })
			);
			expect(error).toBeInstanceOf(ModelRequestError);
			expect((error as ModelRequestError).status).toBe(500);
			expect(error.message).toContain(reason);
			expect(waits).toEqual([]);
			expect((await collect(run('codet5p'))).text).toBe(ANSWER);
			const health = await fetch(`${proxy.url}/health`);
			expect(health.status).toBe(503);
			expect(await health.json()).toEqual({ status: 'loading', models: { whiterabbitneo: 'failed', codet5p: 'ready' } });
		} finally {
			rmSync(join(stateDir, 'whiterabbitneo.failed'));
		}
	});

	it('the proxy asks for the API key when one is set', async () => {
		const keyed = await startSpaceProxy({ wrnUrl: tgi.url, codet5pUrl: codet5p.url, stateDir, hfHome: join(scratch, 'hf'), apiKey: 'space-key' });
		try {
			const endpoints = { ...settings, CODET5P_ENDPOINT_URL: `${keyed.url}/codet5p` };
			const refused = await failure(streamGeneration(prepareRequest('codet5p', { content: content('codet5p'), variables }, endpoints)));
			expect((refused as ModelRequestError).status).toBe(401);
			const { text } = await collect(streamGeneration(prepareRequest('codet5p', { content: content('codet5p'), variables }, { ...endpoints, HF_TOKEN: 'space-key' })));
			expect(text).toBe(ANSWER);
		} finally {
			await keyed.stop();
		}
	});
});

describe.skipIf(missing !== null)('the Space while it starts, and when CodeT5+ fails to load', () => {
	let scratch: string;

	beforeAll(() => {
		scratch = mkdtempSync(join(tmpdir(), 'hf-space-start-'));
	});
	afterAll(() => rmSync(scratch, { recursive: true, force: true }));

	it("a cold start says so in the studio's waking message: downloading the weights, gigabytes so far of the total", async () => {
		// The Hub cache as a download leaves it: the weights' index, and a blob still being written.
		const hfHome = join(scratch, 'hf');
		const repo = join(hfHome, 'hub', 'models--WhiteRabbitNeo--WhiteRabbitNeo-33B-v1');
		mkdirSync(join(repo, 'blobs'), { recursive: true });
		mkdirSync(join(repo, 'snapshots', 'abc'), { recursive: true });
		writeFileSync(join(repo, 'snapshots', 'abc', 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 66_500_000_000 } }));
		writeFileSync(join(repo, 'blobs', 'part-1'), '');
		truncateSync(join(repo, 'blobs', 'part-1'), 12_000_000_000); // sparse: no disk used
		writeFileSync(join(repo, 'blobs', 'part-2.incomplete'), '');
		truncateSync(join(repo, 'blobs', 'part-2.incomplete'), 300_000_000);
		const stateDir = join(scratch, 'state-cold');
		mkdirSync(stateDir);
		const closed = `http://127.0.0.1:${await freePort()}`;
		const proxy = await startSpaceProxy({ wrnUrl: closed, codet5pUrl: closed, stateDir, hfHome });
		try {
			const endpoints: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: `${proxy.url}/whiterabbitneo`, CODET5P_ENDPOINT_URL: `${proxy.url}/codet5p`, HF_TOKEN: undefined };
			const waits: WaitingInfo[] = [];
			const error = await failure(
				streamWithRetry(prepareRequest('whiterabbitneo', { content: content('whiterabbitneo'), variables }, endpoints), {
					initialDelayMs: 1,
					maxAttempts: 2,
					onWaiting: (w) => waits.push(w)
				})
			);
			expect(error).toBeInstanceOf(ModelLoadingError);
			expect(waits[0]!.message).toMatch(
				/^Waking WhiteRabbitNeo-33B, ~\d+ s \(the server says: WhiteRabbitNeo-33B is downloading its weights \(12\.3 of 66\.5 GB so far\): a cold start, since this Space keeps no weights between restarts unless they are on an attached bucket or volume\)$/
			);
			// A model not yet on disk at all is "starting", and the studio keeps its plain message.
			const other = await failure(streamWithRetry(prepareRequest('codet5p', { content: content('codet5p'), variables }, endpoints), { initialDelayMs: 1, maxAttempts: 2, onWaiting: (w) => waits.push(w) }));
			expect(other.message).toBe('CodeT5+ 16B is loading: CodeT5+ 16B is starting');
			expect(waits.at(-1)!.message).toMatch(/^Waking CodeT5\+ 16B, ~\d+ s \(the server says: CodeT5\+ 16B is starting\)$/);
		} finally {
			await proxy.stop();
		}
	});

	it('CodeT5+ waits for WhiteRabbitNeo, says so, and loads at once when WhiteRabbitNeo failed', async () => {
		const failedFile = join(scratch, 'whiterabbitneo.failed');
		const never = `http://127.0.0.1:${await freePort()}/health`;
		const server = await startCodeT5pStandIn({ loadAfter: never, loadAfterFailed: failedFile });
		try {
			const endpoints: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: server.url, HF_TOKEN: undefined };
			const waits: WaitingInfo[] = [];
			const { text } = await collect(
				streamWithRetry(prepareRequest('codet5p', { content: content('codet5p'), variables }, endpoints), {
					initialDelayMs: 50,
					maxDelayMs: 200,
					maxAttempts: 100,
					onWaiting: (w) => {
						waits.push(w);
						writeFileSync(failedFile, 'WhiteRabbitNeo-33B stopped\n');
					}
				})
			);
			expect(text).toBe(ANSWER);
			expect(waits[0]!.message).toMatch(/\(the server says: CodeT5\+ waits for WhiteRabbitNeo-33B to load first \(they share the GPU\)\)$/);
		} finally {
			await server.stop();
		}
	});

	it("a CodeT5+ that failed to load answers every request with the reason, at once, and the proxy's health names it", async () => {
		const server = await startCodeT5pStandIn({ failLoad: 'CUDA out of memory. Tried to allocate 2.00 GiB' });
		const stateDir = join(scratch, 'state-failed');
		mkdirSync(stateDir);
		const wrn = await startTgiServer();
		const proxy = await startSpaceProxy({ wrnUrl: wrn.url, codet5pUrl: server.url, stateDir, hfHome: join(scratch, 'hf-empty') });
		try {
			const endpoints: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: `${proxy.url}/whiterabbitneo`, CODET5P_ENDPOINT_URL: `${proxy.url}/codet5p`, HF_TOKEN: undefined };
			const waits: WaitingInfo[] = [];
			const error = await failure(
				streamWithRetry(prepareRequest('codet5p', { content: content('codet5p'), variables }, endpoints), { initialDelayMs: 1, onWaiting: (w) => waits.push(w) })
			);
			expect(error).toBeInstanceOf(ModelRequestError);
			expect(error.message).toContain('CodeT5+ failed to load on this Space (RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB)');
			expect(waits).toEqual([]);
			// WhiteRabbitNeo, behind the same proxy, answers as ever.
			expect((await collect(streamGeneration(prepareRequest('whiterabbitneo', { content: content('whiterabbitneo'), variables }, endpoints)))).text).toBe('Hello, world!');
			const health = await fetch(`${proxy.url}/health`);
			expect(health.status).toBe(503);
			expect(await health.json()).toMatchObject({ status: 'loading', models: { codet5p: 'failed' } });
		} finally {
			await Promise.all([proxy.stop(), server.stop(), wrn.close()]);
		}
	});
});

describe.skipIf(missing !== null)("the Space's start-up scripts", () => {
	it("WhiteRabbitNeo's tokenizer config keeps the repo's settings and gains the model card's chat template", () => {
		const scratch = mkdtempSync(join(tmpdir(), 'hf-space-tokenizer-'));
		try {
			const repoConfig = { add_bos_token: true, bos_token: '<｜begin▁of▁sentence｜>', eos_token: '<|EOT|>', model_max_length: 16384, tokenizer_class: 'LlamaTokenizerFast', chat_template: '{{ old }}' };
			writeFileSync(join(scratch, 'repo.json'), JSON.stringify(repoConfig));
			const out = join(scratch, 'merged.json');
			const result = runSpaceScript('whiterabbitneo_tokenizer.py', ['--model', 'WhiteRabbitNeo/WhiteRabbitNeo-33B-v1', '--repo-config', join(scratch, 'repo.json'), '--overrides', join(SPACE_DIR, 'whiterabbitneo_tokenizer_config.json'), '--out', out]);
			expect(result.status, result.stderr).toBe(0);
			const ours = JSON.parse(readFileSync(join(SPACE_DIR, 'whiterabbitneo_tokenizer_config.json'), 'utf8')) as { chat_template: string };
			expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ ...repoConfig, chat_template: ours.chat_template });
			expect(ours.chat_template).toContain("'USER: '");
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
	});

	it("the Space's Python unit tests pass (preflight, the turn stop across chunk boundaries, the model cache, the protocol)", () => {
		const result = runSpaceUnitTests();
		expect(result.status, result.stderr).toBe(0);
		expect(result.stderr).toMatch(/^Ran \d+ tests? in .*\n\nOK\n$/m);
	});
});
