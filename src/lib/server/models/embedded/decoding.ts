// How the stand-in decodes beyond what a request says: the longest answer it writes and the
// repetition penalty it applies. Pure (no model), so the rules are tested as logic.
import type { GenerationParameters } from '../registry';

/**
 * The longest answer the stand-in writes, whatever the request asks (its whole context is 512
 * tokens, prompt included; the functions it writes well are far shorter). Applied when the request
 * is prepared, so a run's recorded parameters, and its cache key, say what the model was asked.
 */
export const STAND_IN_MAX_NEW_TOKENS = 256;

/** A request's parameters as the stand-in takes them: its answer no longer than it writes. */
export function standInParameters(parameters: GenerationParameters): GenerationParameters {
	return { ...parameters, max_new_tokens: Math.min(parameters.max_new_tokens, STAND_IN_MAX_NEW_TOKENS) };
}

/**
 * The parameters of a prompt of `promptTokens` on a model reading `contextLength` tokens in all: the
 * answer gets the room the prompt leaves, so a run cut there ended at its own limit, as recorded.
 */
export function fittedParameters(parameters: GenerationParameters, promptTokens: number, contextLength: number): GenerationParameters {
	const room = Math.max(1, contextLength - promptTokens);
	return parameters.max_new_tokens <= room ? parameters : { ...parameters, max_new_tokens: room };
}

/**
 * The repetition penalty of the stand-in's every run (the request's parameters carry none): a model
 * this small, decoding greedily, otherwise writes the same line again and again (`import sys`
 * `import sys` `import os`…).
 */
export const STAND_IN_REPETITION_PENALTY = 1.2;

/**
 * The repetition penalty as Hugging Face transformers and TGI define it, on one row of logits: each
 * token already generated gets its logit divided by the penalty when positive, multiplied when
 * negative (so it is always made less likely for a penalty above 1). Each token counts once, however
 * often it came. Only the answer's own tokens are given: a code prompt is full of the names and
 * indentation its answer must reuse.
 */
export function penalizeRepeats(logits: Float32Array, generated: Iterable<number>, penalty: number): void {
	if (penalty === 1) return;
	for (const token of new Set(generated)) {
		if (token < 0 || token >= logits.length) continue;
		const logit = logits[token]!;
		logits[token] = logit < 0 ? logit * penalty : logit / penalty;
	}
}

/**
 * The prompt split for token healing: its text without the trailing whitespace, and that whitespace.
 * A byte-level tokenizer folds a line's indentation into the newline before it (`\n   `, then
 * ` return`), so a prompt ending in a bare `\n` ends on a token that, in everything the model read,
 * came before an unindented line: it dedents at once and leaves the function it was asked to finish.
 * The model is given the prompt without that whitespace and made to write it again first, as it
 * would have tokenised it (answerMayStartWith), and what it writes after that is the answer.
 */
export function healPrompt(text: string): { prompt: string; healed: string } {
	const healed = /\s*$/.exec(text)![0];
	return { prompt: text.slice(0, text.length - healed.length), healed };
}

/** Whether a token whose text is `token` may come while `remaining` of the healed whitespace is still to be written. */
export function answerMayStartWith(token: string, remaining: string): boolean {
	return token.length > 0 && (token.startsWith(remaining) || remaining.startsWith(token));
}
