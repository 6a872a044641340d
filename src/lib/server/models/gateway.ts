// The model gateway: every call to a model goes through @huggingface/inference, streaming, with an
// abort signal. A run's request is prepared once (prepareRequest: the prompt rendered for the model
// by registry.ts, the endpoint or stand-in chosen); the gateway streams that prepared request's
// tokens and ends with a finish reason, or fails with a typed error (errors.ts) that keeps the
// partial output. What the library sends with an `endpointUrl` (checked against its source, 4.13):
//   chat (chatCompletionStream):  POST <endpoint>/v1/chat/completions
//     {messages, max_tokens, temperature, top_p?, seed?, stop?, stream: true, model}
//   text (textGenerationStream):  POST <endpoint>/v1/completions (OpenAI's shape, not /generate_stream)
//     {model, stream: true, max_tokens, temperature, top_p?, seed?, stop?, prompt}
// and it yields each SSE event's JSON as it is (choices[0].delta.content / choices[0].text), stops
// at `data: [DONE]`, throws on an event holding `error`. It retries a 503 forever unless told not to
// (retry_on_error: false): the gateway retries loading itself, with backoff (streamWithRetry).
import { chatCompletionStream, textGenerationStream, InferenceClientProviderApiError } from '@huggingface/inference';
import type { DraftContent } from '$lib/prompt-doc';
import { missingVariables, renderTemplate, TemplateError, type TemplateValues } from '$lib/template';
import {
	ModelCancelledError,
	ModelInputError,
	ModelLoadingError,
	ModelNotConfiguredError,
	ModelRequestError,
	ModelStreamError,
	ModelTimeoutError
} from './errors';
import {
	formatPrompt,
	getModel,
	modelBackend,
	normaliseParameters,
	notConfiguredMessage,
	type EndpointSettings,
	type FormattedPrompt,
	type GenerationParameters,
	type ModelBackend,
	type ModelEndpoint,
	type ModelId
} from './registry';
import { embeddedModel, standInParameters, streamEmbedded } from './embedded';
import { boundedFetch, NotAnEventStreamError, OversizedResponseError } from './bounded-fetch';

export * from './errors';
export { isModelConfigured, notConfiguredMessage } from './registry';

export interface Usage {
	promptTokens?: number;
	completionTokens?: number;
}

export type GenerationEvent =
	| { type: 'token'; text: string }
	| { type: 'done'; finishReason: string; usage?: Usage };

export interface GenerationInput {
	content: DraftContent;
	variables: TemplateValues;
}

export interface GenerationOptions {
	signal?: AbortSignal;
	/** Milliseconds without any data from the endpoint before the run fails as timed out. Default 60 s. */
	idleTimeoutMs?: number;
	/** Milliseconds one request may stream in all, however steadily data comes (a model that drips a
	 * token now and then forever). Waiting for a sleeping model to wake is not counted. Default 600 s. */
	maxRunMs?: number;
}

/** Everything one run sends, decided once before any row is written; what a flight streams. */
export interface PreparedRequest {
	model: ModelId;
	backend: ModelBackend;
	/** The prompt as sent (an input plugin may have replaced the rendered one: a redaction, say). */
	prompt: FormattedPrompt;
	parameters: GenerationParameters;
}

/**
 * Everything a run sends, checked before any request: where it goes (the endpoint, the embedded
 * stand-in, or ModelNotConfiguredError) and the rendered prompt (or ModelInputError naming the
 * missing variables). The stand-in is a plain code model: it gets every prompt as one text, and
 * writes answers of its own length at most (decoding.ts).
 */
export function prepareRequest(model: ModelId, input: GenerationInput, settings?: EndpointSettings): PreparedRequest {
	const backend = modelBackend(model, settings);
	if (!backend) throw new ModelNotConfiguredError(notConfiguredMessage(model));
	const { content, variables } = input;
	let rendered: string;
	try {
		const missing = missingVariables(content.userPromptTemplate, variables);
		if (missing.length > 0) {
			throw new ModelInputError(
				`Fill in ${missing.length === 1 ? 'the variable' : 'the variables'} ${missing.map((m) => `{{${m}}}`).join(', ')} before running.`,
				missing
			);
		}
		rendered = renderTemplate(content.userPromptTemplate, variables);
	} catch (e) {
		if (e instanceof TemplateError) throw new ModelInputError(e.message);
		throw e;
	}
	const parameters = normaliseParameters(model, content.parameters);
	return {
		model,
		backend,
		prompt: formatPrompt(model, content, rendered, backend.kind === 'embedded' ? 'text' : undefined),
		parameters: backend.kind === 'embedded' ? standInParameters(parameters) : parameters
	};
}

type Chunk = {
	choices?: { text?: string; delta?: { content?: string | null }; finish_reason?: string | null }[];
	token?: { text?: string; special?: boolean };
	details?: { finish_reason?: string; generated_tokens?: number } | null;
	usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
};

/** Credentials from the endpoint's URL go as Basic auth, unless HF_TOKEN is set (the library sends that as Bearer). */
function endpointFetch(endpoint: ModelEndpoint): typeof fetch {
	const bounded = boundedFetch();
	if (!endpoint.basicCredentials || endpoint.token) return bounded;
	const authorization = `Basic ${Buffer.from(endpoint.basicCredentials).toString('base64')}`;
	return (input, init) => {
		const headers = new Headers(init?.headers);
		headers.set('authorization', authorization);
		return bounded(input, { ...init, headers });
	};
}

function upstream(request: PreparedRequest, endpoint: ModelEndpoint, signal: AbortSignal): AsyncGenerator<Chunk> {
	const { prompt, parameters, model } = request;
	const base = { endpointUrl: endpoint.url, model: getModel(model).hubModelId, accessToken: endpoint.token };
	const options = { signal, retry_on_error: false, fetch: endpointFetch(endpoint) };
	if (prompt.format === 'chat') {
		const { max_new_tokens, ...rest } = parameters;
		return chatCompletionStream({ ...base, messages: prompt.messages, max_tokens: max_new_tokens, ...rest }, options) as AsyncGenerator<Chunk>;
	}
	return textGenerationStream({ ...base, inputs: prompt.text, parameters }, options) as unknown as AsyncGenerator<Chunk>;
}

function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const e = current as { code?: unknown; errors?: unknown[]; cause?: unknown };
		if (typeof e.code === 'string') return e.code;
		if (Array.isArray(e.errors)) {
			const inner = e.errors.map(errorCode).find(Boolean);
			if (inner) return inner;
		}
		current = e.cause;
	}
	return undefined;
}

function serverMessage(body: unknown, fallback: string): string {
	if (body && typeof body === 'object') {
		const b = body as { error?: unknown; message?: unknown; detail?: unknown };
		if (typeof b.error === 'string') return b.error;
		if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') {
			return (b.error as { message: string }).message;
		}
		if (typeof b.message === 'string') return b.message;
		if (typeof b.detail === 'string') return b.detail;
	}
	if (typeof body === 'string' && body) return body;
	return fallback.replace(/^Failed to perform inference: /, '');
}

/** The longest account of a waking model's progress the studio passes on (it comes from the endpoint). */
const MAX_LOADING_DETAIL = 300;

/**
 * What a loading server says it is doing, when its JSON says more than the stock "Model is (currently)
 * loading": the Space's proxy names the phase of a cold start (downloading N of M GB, loading onto the
 * GPU). One line, bounded; undefined otherwise (an HTML page from a front end says nothing useful).
 */
function loadingDetail(body: unknown): string | undefined {
	const said = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
	if (typeof said !== 'string') return undefined;
	const line = said.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
	if (!line || /^model( \S+)? is (currently )?loading\.?$/i.test(line)) return undefined;
	return line.length > MAX_LOADING_DETAIL ? `${line.slice(0, MAX_LOADING_DETAIL - 1)}…` : line;
}

/** Maps whatever the library or fetch threw to a typed model error. */
function classify(error: unknown, partial: string, displayName: string): Error {
	if (error instanceof NotAnEventStreamError) {
		let said = '';
		try {
			said = serverMessage(JSON.parse(error.excerpt), '');
		} catch {
			/* not JSON: the content type says enough */
		}
		return new ModelStreamError(`${displayName} ${error.message}${said ? `: ${said.slice(0, 300)}` : '.'}`, partial);
	}
	if (error instanceof OversizedResponseError) {
		return new ModelStreamError(`${displayName} ${error.message}; the answer was cut off.`, partial);
	}
	if (error instanceof InferenceClientProviderApiError) {
		const { status, body } = error.httpResponse;
		if (status >= 400) {
			const message = serverMessage(body, error.message);
			if (status === 503) {
				const estimated = (body as { estimated_time?: unknown } | undefined)?.estimated_time;
				return new ModelLoadingError(`${displayName} is loading: ${message}`, typeof estimated === 'number' ? estimated : undefined, loadingDetail(body));
			}
			return new ModelRequestError(status, `${displayName} refused the request (${status}): ${message}`);
		}
		// A 2xx whose stream carried an error event, or was not an event stream at all.
		return new ModelStreamError(`${displayName} reported an error mid-stream: ${serverMessage(body, error.message)}`, partial);
	}
	if (error instanceof SyntaxError) {
		return new ModelStreamError(`${displayName} sent a malformed stream event: ${error.message}`, partial);
	}
	const code = errorCode(error);
	// A Space that sleeps refuses connections while it boots: the same state as a 503 "loading".
	if (partial === '' && code === 'ECONNREFUSED') {
		return new ModelLoadingError(`${displayName} is not answering yet (connection refused).`);
	}
	const detail = error instanceof Error ? error.message + (code ? ` (${code})` : '') : String(error);
	return new ModelStreamError(`The connection to ${displayName} broke: ${detail}`, partial);
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

/**
 * Streams one prepared request (prepareRequest): yields tokens as they arrive and one final `done`.
 * Failures are thrown as typed model errors (ModelLoadingError only before any token). Aborting
 * `signal` aborts the upstream request.
 */
export async function* streamGeneration(request: PreparedRequest, options: GenerationOptions = {}): AsyncGenerator<GenerationEvent, void, undefined> {
	const { model } = request;
	if (request.backend.kind === 'embedded') {
		if (request.prompt.format !== 'text') throw new ModelInputError('The stand-in model takes a text prompt.');
		// In-process: no connection to time out, no loading to wait out (the first run loads the model).
		return yield* streamEmbedded(await embeddedModel(), { text: request.prompt.text, parameters: request.parameters }, options.signal);
	}
	const { displayName } = getModel(model);
	const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
	const maxRunMs = options.maxRunMs ?? 600_000;
	const controller = new AbortController();
	let timedOut = false;
	let overDeadline = false;
	const onAbort = () => controller.abort(options.signal?.reason);
	if (options.signal?.aborted) throw new ModelCancelledError('');
	options.signal?.addEventListener('abort', onAbort, { once: true });
	let timer: ReturnType<typeof setTimeout> | undefined;
	const arm = () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			timedOut = true;
			controller.abort(new Error('timeout'));
		}, idleTimeoutMs);
	};

	let partial = '';
	let finishReason: string | undefined;
	let usage: Usage | undefined;
	const chunks = upstream(request, request.backend, controller.signal);
	// The idle timer bounds each wait; this one bounds the whole request, headers to last byte.
	const deadline = setTimeout(() => {
		overDeadline = true;
		controller.abort(new Error('deadline'));
	}, maxRunMs);
	try {
		arm();
		while (true) {
			let next: IteratorResult<Chunk>;
			try {
				next = await chunks.next();
			} catch (error) {
				if (overDeadline) throw new ModelTimeoutError(`${displayName} was still answering after ${seconds(maxRunMs)}, the longest one run may take.`, partial);
				if (timedOut) throw new ModelTimeoutError(`${displayName} sent nothing for ${Math.round(idleTimeoutMs / 1000)} s.`, partial);
				if (options.signal?.aborted) throw new ModelCancelledError(partial);
				throw classify(error, partial, displayName);
			}
			if (next.done) break;
			arm();
			const chunk = next.value;
			if (!chunk || typeof chunk !== 'object' || Array.isArray(chunk)) throw new ModelStreamError(`${displayName} sent a malformed stream event.`, partial);
			const choice = chunk.choices?.[0];
			const text = choice ? (choice.delta?.content ?? choice.text ?? '') : chunk.token && !chunk.token.special ? (chunk.token.text ?? '') : '';
			if (typeof text !== 'string') throw new ModelStreamError(`${displayName} sent a malformed stream event.`, partial);
			if (text) {
				partial += text;
				yield { type: 'token', text };
			}
			const reason = choice?.finish_reason ?? chunk.details?.finish_reason;
			if (reason) finishReason = reason;
			if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
		}
		if (!finishReason) {
			throw new ModelStreamError(`The stream from ${displayName} ended before the model finished.`, partial);
		}
		yield { type: 'done', finishReason, ...(usage ? { usage } : {}) };
	} finally {
		clearTimeout(timer);
		clearTimeout(deadline);
		options.signal?.removeEventListener('abort', onAbort);
		// Leaving early (the consumer stopped, or a failure) must not leave the request open.
		if (!controller.signal.aborted) controller.abort();
		await chunks.return?.(undefined)?.catch(() => {});
	}
}

export interface WaitingInfo {
	attempt: number;
	/** Seconds until the next try. */
	delaySeconds: number;
	/** The server's own estimate, when it gave one. */
	estimatedSeconds?: number;
	message: string;
}

export interface RetryOptions extends GenerationOptions {
	/** First delay before retrying a loading model, ms. Default 2000. */
	initialDelayMs?: number;
	/** Cap of one delay, ms. Default 30000. */
	maxDelayMs?: number;
	/** Tries in all (the first included) before giving up. Default 10. */
	maxAttempts?: number;
	onWaiting?: (info: WaitingInfo) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new ModelCancelledError(''));
		const onAbort = () => {
			clearTimeout(timer);
			reject(new ModelCancelledError(''));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * streamGeneration that waits out a sleeping model: a loading answer (503 or refused connection)
 * before any token is retried with capped exponential backoff, reporting each wait through
 * onWaiting ("waking the model, ~N s"). Never retries once a token has arrived.
 */
export async function* streamWithRetry(request: PreparedRequest, options: RetryOptions = {}): AsyncGenerator<GenerationEvent, void, undefined> {
	const { initialDelayMs = 2000, maxDelayMs = 30_000, maxAttempts = 10, onWaiting, ...generation } = options;
	for (let attempt = 1; ; attempt++) {
		let started = false;
		try {
			for await (const event of streamGeneration(request, generation)) {
				started = true;
				yield event;
			}
			return;
		} catch (error) {
			if (!(error instanceof ModelLoadingError) || started || attempt >= maxAttempts) throw error;
			const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
			const delaySeconds = Math.max(1, Math.round(delayMs / 1000));
			const estimate = error.estimatedTime !== undefined ? Math.max(1, Math.round(error.estimatedTime)) : delaySeconds;
			onWaiting?.({
				attempt,
				delaySeconds,
				...(error.estimatedTime !== undefined ? { estimatedSeconds: error.estimatedTime } : {}),
				message: `Waking ${getModel(request.model).displayName}, ~${estimate} s${error.detail ? ` (the server says: ${error.detail})` : ''}`
			});
			await sleep(delayMs, generation.signal);
		}
	}
}
