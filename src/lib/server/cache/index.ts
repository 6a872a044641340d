// The model cache (model_cache): answers of deterministic runs, kept for MODEL_CACHE_TTL_HOURS and
// replayed token by token on a hit. Only this module reads or writes model_cache. Each workspace has
// its own entries: a hit needs the same workspace, rendered prompt and parameters.
import { config } from '../config';
import { prisma } from '../db';
import { logger } from '../logger';
import type { CacheKey } from './key';

export { cacheDecision, cacheKey, flightKey, isCacheable, isDeterministic, type CacheKey, type FinishedAnswer } from './key';

/** What is stored for replay: the answer's tokens as they streamed, and how it ended. */
export interface CachedAnswer {
	tokens: string[];
	finishReason: string;
	promptTokens: number | null;
	completionTokens: number | null;
}

function parseAnswer(value: unknown): CachedAnswer | null {
	if (!value || typeof value !== 'object') return null;
	const v = value as Record<string, unknown>;
	if (!Array.isArray(v.tokens) || !v.tokens.every((t) => typeof t === 'string') || typeof v.finishReason !== 'string') return null;
	const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : null);
	return { tokens: v.tokens as string[], finishReason: v.finishReason, promptTokens: count(v.promptTokens), completionTokens: count(v.completionTokens) };
}

const whereKey = (key: CacheKey) => ({ modelName_promptHash_parametersHash: key });

/** The stored answer for the key when it is valid and unexpired; counts the hit. */
export async function lookupAnswer(key: CacheKey): Promise<CachedAnswer | null> {
	const db = await prisma();
	const row = await db.modelCache.findUnique({ where: whereKey(key), select: { id: true, cachedOutput: true, expiresAt: true, isValid: true } });
	if (!row || !row.isValid || row.expiresAt.getTime() <= Date.now()) return null;
	const answer = parseAnswer(row.cachedOutput);
	if (!answer) {
		// A row this version cannot read is not an answer: mark it so it is replaced, never replayed.
		await db.modelCache.update({ where: { id: row.id }, data: { isValid: false } });
		return null;
	}
	// Counting the hit must not hold up the replay.
	void db.modelCache
		.update({ where: { id: row.id }, data: { accessCount: { increment: 1 }, lastAccessedAt: new Date() } })
		.catch((error) => logger.warn({ err: error }, 'counting a cache hit failed'));
	return answer;
}

let lastPurge = 0;

/** Stores (or renews) the answer under the key for the configured time to live. */
export async function storeAnswer(key: CacheKey, answer: CachedAnswer): Promise<void> {
	const db = await prisma();
	const now = new Date();
	const expiresAt = new Date(now.getTime() + config().MODEL_CACHE_TTL_HOURS * 3_600_000);
	const data = {
		cachedOutput: { ...answer },
		tokensUsed: answer.completionTokens ?? answer.tokens.length,
		createdAt: now,
		lastAccessedAt: now,
		expiresAt,
		isValid: true
	};
	await db.modelCache.upsert({ where: whereKey(key), create: { ...key, ...data }, update: data });
	// Expired rows are never served; clearing them now and then keeps the table small.
	if (now.getTime() - lastPurge > 600_000) {
		lastPurge = now.getTime();
		await db.modelCache.deleteMany({ where: { expiresAt: { lt: now } } }).catch((error) => logger.warn({ err: error }, 'purging expired cache rows failed'));
	}
}

export interface CacheTableFigures {
	entries: number;
	totalHits: number;
}

/** Live entries of the shared cache and the hits they have served. */
export async function cacheTableFigures(): Promise<CacheTableFigures> {
	const db = await prisma();
	const result = await db.modelCache.aggregate({
		where: { isValid: true, expiresAt: { gt: new Date() } },
		_count: { _all: true },
		_sum: { accessCount: true }
	});
	return { entries: result._count._all, totalHits: result._sum.accessCount ?? 0 };
}
