// What identifies a cached answer and when the cache is asked at all.
import { describe, expect, it } from 'vitest';
import { cacheDecision, cacheKey, flightKey, isCacheable, isDeterministic } from '$lib/server/cache/key';

const W = 'workspace-a';
const chat = { format: 'chat' as const, messages: [{ role: 'user' as const, content: 'Explain eval()' }] };

describe('the cache key', () => {
	it('is the same for the same model, prompt and parameters, whatever the order of the parameters', () => {
		const a = cacheKey(W, 'whiterabbitneo', chat, { max_new_tokens: 100, temperature: 0, stop: ['###'] });
		const b = cacheKey(W, 'whiterabbitneo', chat, { stop: ['###'], temperature: 0, max_new_tokens: 100 });
		expect(a).toEqual(b);
		expect(a.promptHash).toMatch(/^[0-9a-f]{64}$/);
		expect(a.parametersHash).toMatch(/^[0-9a-f]{64}$/);
	});

	it('differs when the model, a word of the prompt or a parameter differs', () => {
		const base = cacheKey(W, 'whiterabbitneo', chat, { max_new_tokens: 100, temperature: 0 });
		const keys = [
			cacheKey(W, 'codet5p', chat, { max_new_tokens: 100, temperature: 0 }),
			cacheKey(W, 'whiterabbitneo', { format: 'chat', messages: [{ role: 'user', content: 'Explain exec()' }] }, { max_new_tokens: 100, temperature: 0 }),
			cacheKey(W, 'whiterabbitneo', { format: 'text', text: 'Explain eval()' }, { max_new_tokens: 100, temperature: 0 }),
			cacheKey(W, 'whiterabbitneo', chat, { max_new_tokens: 101, temperature: 0 }),
			cacheKey(W, 'whiterabbitneo', chat, { max_new_tokens: 100, temperature: 0, seed: 1 })
		];
		for (const key of keys) expect(flightKey(key)).not.toBe(flightKey(base));
	});

	it('differs between workspaces for the very same request, so neither answers nor flights are shared', () => {
		const parameters = { max_new_tokens: 100, temperature: 0 };
		const a = cacheKey('workspace-a', 'whiterabbitneo', chat, parameters);
		const b = cacheKey('workspace-b', 'whiterabbitneo', chat, parameters);
		expect(b.modelName).toBe(a.modelName);
		expect(b.parametersHash).toBe(a.parametersHash);
		expect(b.promptHash).not.toBe(a.promptHash);
		expect(flightKey(b)).not.toBe(flightKey(a));
		expect(cacheKey('workspace-a', 'whiterabbitneo', chat, parameters)).toEqual(a);
	});

	it("keeps a stand-in's answers apart from the real model's, and one stand-in's from another's", () => {
		const text = { format: 'text' as const, text: 'def add(a, b):' };
		const real = cacheKey(W, 'codet5p', text, { max_new_tokens: 50, temperature: 0 });
		const standIn = cacheKey(W, 'codet5p', text, { max_new_tokens: 50, temperature: 0 }, 'codetune-tiny-code');
		const otherStandIn = cacheKey(W, 'codet5p', text, { max_new_tokens: 50, temperature: 0 }, 'Xenova/tiny_starcoder_py');
		expect(standIn.modelName).toBe('codet5p~codetune-tiny-code');
		expect(standIn.promptHash).toBe(real.promptHash);
		expect(new Set([real, standIn, otherStandIn].map(flightKey)).size).toBe(3);
	});
});

describe('whether a run uses the cache', () => {
	it('counts greedy decoding and a fixed seed as deterministic', () => {
		expect(isDeterministic({ max_new_tokens: 10, temperature: 0 })).toBe(true);
		expect(isDeterministic({ max_new_tokens: 10, temperature: 0.7, seed: 42 })).toBe(true);
		expect(isDeterministic({ max_new_tokens: 10, temperature: 0.7 })).toBe(false);
	});

	it('auto asks the cache only for deterministic runs; always for any; never for none', () => {
		const sampled = { max_new_tokens: 10, temperature: 0.7 };
		const greedy = { max_new_tokens: 10, temperature: 0 };
		expect(cacheDecision('auto', greedy)).toBe('use');
		expect(cacheDecision('auto', sampled)).toBe('skip');
		expect(cacheDecision('always', sampled)).toBe('use');
		expect(cacheDecision('never', greedy)).toBe('skip');
	});

	it('stores an answer the model ended, or one that reached exactly the max tokens it was asked for', () => {
		const limit = { max_new_tokens: 40 };
		expect(isCacheable({ status: 'succeeded', finishReason: 'stop', completionTokens: 12 }, limit)).toBe(true);
		expect(isCacheable({ status: 'succeeded', finishReason: 'eos_token', completionTokens: 12 }, limit)).toBe(true);
		// At the request's own limit: the limit is in the key, so the same request is cut there again.
		expect(isCacheable({ status: 'succeeded', finishReason: 'length', completionTokens: 40 }, limit)).toBe(true);
		// Cut short of it by something else (a context, a server's own cap), or with no count to tell.
		expect(isCacheable({ status: 'succeeded', finishReason: 'length', completionTokens: 39 }, limit)).toBe(false);
		expect(isCacheable({ status: 'succeeded', finishReason: 'length', completionTokens: null }, limit)).toBe(false);
	});

	it('never stores a broken, timed-out, cancelled or failed answer, whatever it had written', () => {
		const limit = { max_new_tokens: 40 };
		expect(isCacheable({ status: 'failed', finishReason: null, completionTokens: 40 }, limit)).toBe(false);
		expect(isCacheable({ status: 'cancelled', finishReason: null, completionTokens: 40 }, limit)).toBe(false);
		expect(isCacheable({ status: 'succeeded', finishReason: null, completionTokens: 40 }, limit)).toBe(false);
	});

	it('keys the max tokens: the same request with another limit is another answer', () => {
		const text = { format: 'text' as const, text: 'def add(a, b):' };
		const at40 = cacheKey(W, 'codet5p', text, { max_new_tokens: 40, temperature: 0 }, 'codetune-tiny-code');
		const at41 = cacheKey(W, 'codet5p', text, { max_new_tokens: 41, temperature: 0 }, 'codetune-tiny-code');
		expect(at41.promptHash).toBe(at40.promptHash);
		expect(at41.parametersHash).not.toBe(at40.parametersHash);
	});
});
