// One run of the embedded model, as the same stream of events a remote model gives: tokens as they
// are decoded, then `done` with a finish reason and usage; ModelInputError when the prompt leaves no
// room in the context, ModelCancelledError (with the text so far) when the signal aborts. The answer
// ends on its own (finish reason `stop`) at the end-of-text token, at one of the request's stop
// sequences, or where the code it writes ends (answer-end.ts); else at its length limit (`length`).
import { BaseStreamer, InterruptableStoppingCriteria, LogitsProcessor, random, type Tensor } from '@huggingface/transformers';
import { ModelCancelledError, ModelInputError, ModelStreamError } from '../errors';
import type { GenerationEvent } from '../gateway';
import type { GenerationParameters } from '../registry';
import { AnswerEnd } from './answer-end';
import { answerMayStartWith, healPrompt, penalizeRepeats, STAND_IN_REPETITION_PENALTY } from './decoding';
import type { EmbeddedModel } from './loader';

/** Turns token ids into text as they come; holds back a cut multi-byte character until it is whole. */
class TokenTextStreamer extends BaseStreamer {
	private readonly ids: number[] = [];
	private promptSeen = false;
	private emitted = '';

	constructor(
		private readonly model: EmbeddedModel,
		private readonly onText: (text: string, tokenId: number) => void
	) {
		super();
	}

	override put(value: bigint[][]): void {
		// generate() first hands over the prompt, then each new token of the (single) sequence.
		if (!this.promptSeen) {
			this.promptSeen = true;
			return;
		}
		const id = Number(value[0]![0]);
		this.ids.push(id);
		const text = this.model.tokenizer.decode(this.ids, { skip_special_tokens: true });
		if (text.endsWith('\uFFFD') || text.length <= this.emitted.length) return this.onText('', id);
		const piece = text.slice(this.emitted.length);
		this.emitted = text;
		this.onText(piece, id);
	}

	override end(): void {}

	get tokenCount(): number {
		return this.ids.length;
	}

	get lastTokenId(): number | undefined {
		return this.ids.at(-1);
	}
}

/** The repetition penalty (decoding.ts) on the answer's own tokens: those after the prompt's. */
class AnswerRepetitionPenalty extends LogitsProcessor {
	constructor(
		private readonly answerStart: number,
		private readonly penalty: number
	) {
		super();
	}

	override _call(inputIds: bigint[][], logits: Tensor): Tensor {
		inputIds.forEach((ids, row) => {
			const rowLogits = (logits as unknown as Tensor[])[row]!.data as Float32Array;
			penalizeRepeats(rowLogits, ids.slice(this.answerStart).map(Number), this.penalty);
		});
		return logits;
	}
}

/** Each token's own text, read once per model: what token healing compares with the whitespace to write. */
const tokenTexts = new WeakMap<EmbeddedModel, string[]>();

function tokenTextsOf(model: EmbeddedModel): string[] {
	let texts = tokenTexts.get(model);
	if (!texts) {
		const size = (model.model.config as unknown as { vocab_size?: number }).vocab_size ?? 0;
		texts = Array.from({ length: size }, (_, id) => model.tokenizer.decode([id], { skip_special_tokens: true }));
		tokenTexts.set(model, texts);
	}
	return texts;
}

/** Token healing (decoding.ts healPrompt): the answer's first tokens write the whitespace taken off the prompt. */
class PromptHealing extends LogitsProcessor {
	constructor(
		private readonly answerStart: number,
		private readonly healed: string,
		private readonly texts: string[]
	) {
		super();
	}

	override _call(inputIds: bigint[][], logits: Tensor): Tensor {
		inputIds.forEach((ids, row) => {
			const written = ids
				.slice(this.answerStart)
				.map((id) => this.texts[Number(id)] ?? '')
				.join('');
			if (written.length >= this.healed.length) return;
			const remaining = this.healed.slice(written.length);
			const rowLogits = (logits as unknown as Tensor[])[row]!.data as Float32Array;
			for (let id = 0; id < rowLogits.length; id++) {
				if (!answerMayStartWith(this.texts[id] ?? '', remaining)) rowLogits[id] = -Infinity;
			}
		});
		return logits;
	}
}

export interface EmbeddedRequest {
	text: string;
	parameters: GenerationParameters;
}

/** How many tokens a prompt is for the model; the run checks this before anything is written. */
export function promptTokenCount(model: EmbeddedModel, text: string): number {
	return (model.tokenizer.encode(text) as number[]).length;
}

/** The clear refusal of a prompt that leaves no room for an answer. */
export function checkFits(model: EmbeddedModel, promptTokens: number): void {
	if (promptTokens < model.contextLength) return;
	throw new ModelInputError(
		`The prompt is ${promptTokens} tokens long, but the local stand-in model (${model.id}) reads at most ` +
			`${model.contextLength} tokens, prompt and answer together. Shorten the prompt, or set a model endpoint to run a larger model.`
	);
}

export async function* streamEmbedded(model: EmbeddedModel, request: EmbeddedRequest, signal?: AbortSignal): AsyncGenerator<GenerationEvent, void, undefined> {
	if (signal?.aborted) throw new ModelCancelledError('');
	const { prompt, healed } = healPrompt(request.text);
	let { input_ids, attention_mask } = model.tokenizer(prompt) as { input_ids: Tensor; attention_mask: Tensor };
	if (input_ids.dims[1] === 0) {
		// An empty prompt: start the model as it starts a new document.
		if (model.eosTokenId === null) throw new ModelInputError('The prompt is empty.');
		({ input_ids, attention_mask } = model.tokenizer(model.tokenizer.decode([model.eosTokenId])) as { input_ids: Tensor; attention_mask: Tensor });
	}
	const promptTokens = input_ids.dims[1]!;
	checkFits(model, promptTokens);
	const room = model.contextLength - promptTokens;
	const { max_new_tokens, temperature, top_p, seed, stop = [] } = request.parameters;
	const maxNewTokens = Math.min(max_new_tokens, room);

	// What generate() reports through callbacks becomes a queue this generator drains.
	const queue: GenerationEvent[] = [];
	let wake: (() => void) | null = null;
	const notify = () => {
		wake?.();
		wake = null;
	};
	let partial = '';
	const show = (text: string) => {
		if (!text) return;
		partial += text;
		queue.push({ type: 'token', text });
	};
	let endedByText = false;
	const interrupt = new InterruptableStoppingCriteria();
	const onAbort = () => interrupt.interrupt();
	signal?.addEventListener('abort', onAbort, { once: true });
	const answer = new AnswerEnd(request.text, stop);
	// The healed whitespace is the prompt's, written again: the answer is what comes after it.
	let toSkip = healed.length;
	const streamer = new TokenTextStreamer(model, (decoded) => {
		const text = decoded.slice(toSkip);
		toSkip = Math.max(0, toSkip - decoded.length);
		if (!text || endedByText) return;
		const piece = answer.push(text);
		show(piece.text);
		if (piece.ended) {
			endedByText = true;
			interrupt.interrupt();
		}
		notify();
	});

	let outcome: { ok: true } | { ok: false; error: unknown } | null = null;
	// Sampling draws from transformers.js' one process-wide generator: a seed is exact when this run
	// is the only one sampling at the time.
	if (temperature > 0 && seed !== undefined) random.seed(seed);
	const generation = model.model
		.generate({
			input_ids,
			attention_mask,
			max_new_tokens: maxNewTokens,
			do_sample: temperature > 0,
			...(temperature > 0 ? { temperature, ...(top_p !== undefined ? { top_p } : {}) } : {}),
			streamer,
			logits_processor: [
				...(healed ? [new PromptHealing(promptTokens, healed, tokenTextsOf(model))] : []),
				new AnswerRepetitionPenalty(promptTokens, STAND_IN_REPETITION_PENALTY)
			],
			stopping_criteria: [interrupt]
		} as unknown as Parameters<typeof model.model.generate>[0])
		.then(
			() => (outcome = { ok: true }),
			(error: unknown) => (outcome = { ok: false, error })
		)
		.finally(notify);

	try {
		while (true) {
			while (queue.length > 0) yield queue.shift()!;
			if (outcome) break;
			await new Promise<void>((resolve) => (wake = resolve));
		}
		const finished = outcome as { ok: true } | { ok: false; error: unknown };
		if (signal?.aborted) throw new ModelCancelledError(partial);
		if (!finished.ok) {
			const detail = finished.error instanceof Error ? finished.error.message : String(finished.error);
			throw new ModelStreamError(`The local stand-in model failed: ${detail}`, partial);
		}
		// The model stopped by itself: what was held back (blank lines that might have ended it) is the answer's.
		const rest = endedByText ? '' : answer.finish();
		if (rest) {
			partial += rest;
			yield { type: 'token', text: rest };
		}
		const endedOnEos = model.eosTokenId !== null && streamer.lastTokenId === model.eosTokenId;
		const finishReason = endedByText || endedOnEos ? 'stop' : 'length';
		yield { type: 'done', finishReason, usage: { promptTokens, completionTokens: streamer.tokenCount } };
	} finally {
		signal?.removeEventListener('abort', onAbort);
		// A consumer that stops reading early stops the model too.
		interrupt.interrupt();
		await generation;
	}
}
