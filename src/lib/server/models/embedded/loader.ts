// Loading the embedded model through transformers.js (ONNX Runtime for Node, on the CPU). One path
// for every source: transformers.js looks for `<dir>/<id>` on disk first (the shipped model, or any
// folder in the same layout), then, for a Hub id, in its download cache, then on the Hub. A Hub id
// that cannot be had (offline, unknown) falls back to the shipped model, and says why.
import { resolve } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { config } from '../../config';
import { logger } from '../../logger';
import { keepPrivate } from '../../private-files';
import { slot } from '../../runtime';

/** The model the repository ships (models/codetune-tiny-code, trained by models/training). */
export const SHIPPED_MODEL_ID = 'codetune-tiny-code';

export interface ModelSource {
	/** A folder name under `dir`, or a Hub id (owner/name). */
	id: string;
	/** The folder that holds model folders. */
	dir: string;
	/** Where Hub downloads are kept. */
	cacheDir: string;
	/** The Hub (or a mirror) to download from. */
	hubUrl: string;
	/** Which ONNX file: fp32 is onnx/model.onnx, the others its quantised siblings (onnx/model_quantized.onnx for q8, onnx/model_q4.onnx…). */
	dtype?: ModelDtype;
}

export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'bnb4' | 'q4f16';

export interface EmbeddedModel {
	/** The id asked for, and the id that was loaded (they differ after a fallback). */
	requestedId: string;
	id: string;
	/** Why the requested model was not loaded, after a fallback. */
	fallbackReason: string | null;
	tokenizer: PreTrainedTokenizer;
	model: PreTrainedModel;
	/** Positions the model can attend over: prompt and answer together. */
	contextLength: number;
	eosTokenId: number | null;
	loadMs: number;
}

export class EmbeddedModelLoadError extends Error {
	name = 'EmbeddedModelLoadError';
}

const isHubId = (id: string) => id.includes('/');

/** The configured source; relative folders are taken from the directory the studio was started in. */
export function configuredSource(): ModelSource {
	const c = config();
	return {
		id: c.EMBEDDED_MODEL,
		dir: resolve(c.EMBEDDED_MODEL_DIR),
		cacheDir: resolve(c.EMBEDDED_MODEL_CACHE_DIR ?? `${c.DATA_DIR}/model-cache`),
		hubUrl: c.EMBEDDED_MODEL_HUB_URL,
		dtype: c.EMBEDDED_MODEL_DTYPE
	};
}

function numberField(source: Record<string, unknown>, ...names: string[]): number | null {
	for (const name of names) {
		const value = source[name];
		if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
	}
	return null;
}

// transformers.js keeps where it loads from in one global `env`: loads take turns so that two
// sources being loaded at once cannot see each other's settings.
let loadQueue: Promise<unknown> = Promise.resolve();

async function loadExactly(source: ModelSource): Promise<Omit<EmbeddedModel, 'requestedId' | 'fallbackReason'>> {
	const started = performance.now();
	env.allowLocalModels = true;
	env.localModelPath = source.dir.endsWith('/') ? source.dir : `${source.dir}/`;
	env.allowRemoteModels = isHubId(source.id);
	env.remoteHost = source.hubUrl.endsWith('/') ? source.hubUrl : `${source.hubUrl}/`;
	env.cacheDir = source.cacheDir;
	env.useFSCache = true;
	try {
		// Downloads land here: the studio's own files, private to its user (a shipped model is read only).
		if (isHubId(source.id)) await keepPrivate(source.cacheDir);
		const tokenizer = await AutoTokenizer.from_pretrained(source.id);
		const model = await AutoModelForCausalLM.from_pretrained(source.id, { dtype: source.dtype ?? 'fp32', device: 'cpu' });
		const modelConfig = model.config as unknown as Record<string, unknown>;
		const contextLength =
			numberField(modelConfig, 'n_positions', 'max_position_embeddings', 'n_ctx') ??
			numberField(tokenizer as unknown as Record<string, unknown>, 'model_max_length');
		if (!contextLength) throw new EmbeddedModelLoadError(`${source.id} does not say how long its context is.`);
		const eos = modelConfig.eos_token_id;
		return {
			id: source.id,
			tokenizer,
			model,
			contextLength,
			eosTokenId: typeof eos === 'number' ? eos : Array.isArray(eos) && typeof eos[0] === 'number' ? eos[0] : null,
			loadMs: Math.round(performance.now() - started)
		};
	} catch (error) {
		if (error instanceof EmbeddedModelLoadError) throw error;
		const where = isHubId(source.id) ? `${source.dir}/${source.id}, the download cache or ${source.hubUrl}` : `${source.dir}/${source.id}`;
		throw new EmbeddedModelLoadError(`The embedded model ${source.id} could not be loaded from ${where}: ${error instanceof Error ? error.message : String(error)}`, {
			cause: error
		});
	}
}

/**
 * Loads the source's model; a Hub id that fails to load falls back to the shipped model in the
 * same folder, with the reason kept on the result (and logged).
 */
export function loadEmbeddedModel(source: ModelSource): Promise<EmbeddedModel> {
	const load = async (): Promise<EmbeddedModel> => {
		try {
			return { requestedId: source.id, fallbackReason: null, ...(await loadExactly(source)) };
		} catch (error) {
			if (!isHubId(source.id)) throw error;
			const reason = error instanceof Error ? error.message : String(error);
			logger.warn({ requested: source.id, fallback: SHIPPED_MODEL_ID, reason }, 'embedded model unavailable; loading the shipped model instead');
			return { requestedId: source.id, fallbackReason: reason, ...(await loadExactly({ ...source, id: SHIPPED_MODEL_ID, dtype: 'fp32' })) };
		}
	};
	const result = loadQueue.then(load, load);
	loadQueue = result.catch(() => {});
	return result;
}

// The configured model is loaded once per process, on first use, and kept.
const loaded = slot('models.embedded', () => {
	const loading = loadEmbeddedModel(configuredSource());
	// A failed load is not kept: the next run tries again (a folder fixed, a network back).
	loading.catch(() => {
		if (loaded.peek() === loading) loaded.clear();
	});
	return loading;
});

export function embeddedModel(): Promise<EmbeddedModel> {
	return loaded();
}
