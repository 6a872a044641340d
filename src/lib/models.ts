// The studio's two models as the browser may know them: ids, display names, prompt shape and
// parameter limits (DESIGN.md "The two models"). Where each is served lives in
// $lib/server/models/registry.ts, with the rest of what only the server may read.
import { z } from 'zod';

export const MODEL_IDS = ['whiterabbitneo', 'codet5p'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/** `chat`: system + few-shot user/assistant turns + user (chat completion). `text`: one plain prompt. */
export type PromptFormat = 'chat' | 'text';

export interface ParameterLimits {
	maxNewTokens: number;
	defaultMaxNewTokens: number;
	maxTemperature: number;
	maxStopSequences: number;
}

export interface ModelDefinition {
	id: ModelId;
	displayName: string;
	hubModelId: string;
	/** The variable that holds its endpoint URL. */
	endpointVariable: 'WHITERABBITNEO_ENDPOINT_URL' | 'CODET5P_ENDPOINT_URL';
	format: PromptFormat;
	limits: ParameterLimits;
}

export const MODELS: Readonly<Record<ModelId, ModelDefinition>> = {
	whiterabbitneo: {
		id: 'whiterabbitneo',
		displayName: 'WhiteRabbitNeo-33B',
		hubModelId: 'WhiteRabbitNeo/WhiteRabbitNeo-33B-v1',
		endpointVariable: 'WHITERABBITNEO_ENDPOINT_URL',
		format: 'chat',
		limits: { maxNewTokens: 4096, defaultMaxNewTokens: 1024, maxTemperature: 2, maxStopSequences: 4 }
	},
	codet5p: {
		id: 'codet5p',
		displayName: 'CodeT5+ 16B',
		hubModelId: 'Salesforce/instructcodet5p-16b',
		endpointVariable: 'CODET5P_ENDPOINT_URL',
		format: 'text',
		limits: { maxNewTokens: 1024, defaultMaxNewTokens: 512, maxTemperature: 2, maxStopSequences: 4 }
	}
};

export function isModelId(value: unknown): value is ModelId {
	return typeof value === 'string' && (MODEL_IDS as readonly string[]).includes(value);
}

export function getModel(id: ModelId): ModelDefinition {
	const model = MODELS[id];
	if (!model) throw new Error(`Unknown model: ${String(id)}`);
	return model;
}

export const modelIdSchema = z.enum(MODEL_IDS);
