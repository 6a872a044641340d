// What identifies a model answer in the cache, and whether a run may use the cache at all. Pure:
// the same inputs give the same key on every instance.
import { createHash } from 'node:crypto';
import type { CacheMode, CacheOutcome } from '$lib/realtime/session-events';
import { canonicalJson } from '../versions';
import type { FormattedPrompt, GenerationParameters, ModelId } from '../models';

export interface CacheKey {
	modelName: string;
	/** SHA-256 of the workspace and the prompt exactly as sent (chat turns or text). */
	promptHash: string;
	/** SHA-256 of the normalised parameters, keys sorted. */
	parametersHash: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The key of a workspace's request. Keyed per workspace: a hit across workspaces would tell one
 * tenant what another sent. A run on the embedded stand-in is keyed apart from its model's
 * (`codet5p~codetune-tiny-code`): the stand-in's answers must never be served once the real model has an endpoint.
 */
export function cacheKey(
	workspaceId: string,
	model: ModelId,
	prompt: FormattedPrompt,
	parameters: GenerationParameters,
	standIn: string | null = null
): CacheKey {
	return {
		modelName: standIn ? `${model}~${standIn}` : model,
		promptHash: sha256(canonicalJson({ workspace: workspaceId, prompt })),
		parametersHash: sha256(canonicalJson(parameters))
	};
}

/** One string per key, for the in-flight table: identical requests share a flight only within a workspace. */
export function flightKey(key: CacheKey): string {
	return `${key.modelName}:${key.promptHash}:${key.parametersHash}`;
}

/** Greedy decoding or a fixed seed: the same request gives the same answer, so a stored one is true. */
export function isDeterministic(parameters: GenerationParameters): boolean {
	return parameters.temperature === 0 || parameters.seed !== undefined;
}

/**
 * Whether the cache is asked for this run: `never` skips it; `auto` uses it only for deterministic
 * runs (a sampled run should sample anew); `always` uses it whatever the parameters.
 */
export function cacheDecision(mode: CacheMode, parameters: GenerationParameters): Extract<CacheOutcome, 'skip'> | 'use' {
	if (mode === 'never') return 'skip';
	if (mode === 'auto' && !isDeterministic(parameters)) return 'skip';
	return 'use';
}

/** How a model request ended, as far as the cache needs to know. */
export interface FinishedAnswer {
	status: string;
	finishReason: string | null;
	/** Tokens the model wrote (its own count, or the tokens that streamed when it gave none). */
	completionTokens: number | null;
}

/**
 * A finished answer worth keeping: the model ended it, at its own end or a stop sequence, or at the
 * request's own token limit (`length` with exactly max_new_tokens written: the limit is part of the
 * key, so the same request is cut at the same place again). A broken stream, a timeout, a cancel or
 * a model error never finishes as succeeded; a `length` short of the limit was cut by something
 * else (the context, the server) and is not kept.
 */
export function isCacheable(result: FinishedAnswer, parameters: Pick<GenerationParameters, 'max_new_tokens'>): boolean {
	if (result.status !== 'succeeded' || result.finishReason === null) return false;
	return result.finishReason !== 'length' || result.completionTokens === parameters.max_new_tokens;
}
