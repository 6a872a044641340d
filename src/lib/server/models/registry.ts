// The one registry of the studio's models (DESIGN.md "The two models"): for each, its id, display
// name, Hub model id, where its endpoint is configured, how its prompt is formatted and the limits of
// its parameters. Everything model-specific the gateway needs is read from here.
import { z } from 'zod';
import type { Config } from '../config';
import { config } from '../config';
import type { DraftContent, DraftParameters } from '$lib/prompt-doc';
import { getModel, MODEL_IDS, type ModelId, type PromptFormat } from '$lib/models';

export { MODEL_IDS, MODELS, getModel, isModelId, type ModelDefinition, type ModelId, type ParameterLimits, type PromptFormat } from '$lib/models';

/**
 * Where the models are served. EMBEDDED_MODEL names the in-process stand-in for a model with no
 * endpoint; settings that leave it out (or say `off`) have none, and such a model cannot run.
 */
export type EndpointSettings = Pick<Config, 'WHITERABBITNEO_ENDPOINT_URL' | 'CODET5P_ENDPOINT_URL' | 'HF_TOKEN'> & {
	EMBEDDED_MODEL?: string;
};

export interface ModelEndpoint {
	/** Without credentials: fetch refuses a URL that carries them, and its error would repeat them. */
	url: string;
	token?: string;
	/** `user:password` from the configured URL, sent as Basic auth (when no HF_TOKEN is set). */
	basicCredentials?: string;
}

/** What serves a model's runs: its endpoint, or the embedded stand-in model running in this process. */
export type ModelBackend = ({ kind: 'endpoint' } & ModelEndpoint) | { kind: 'embedded'; modelId: string };

/** The id of the stand-in model, or null when there is none. */
export function standInModelId(settings: EndpointSettings = config()): string | null {
	const id = settings.EMBEDDED_MODEL;
	return id && id !== 'off' ? id : null;
}

/** The model's endpoint when configured, else the embedded stand-in, else null (the model cannot run). */
export function modelBackend(id: ModelId, settings: EndpointSettings = config()): ModelBackend | null {
	const endpoint = modelEndpoint(id, settings);
	if (endpoint) return { kind: 'endpoint', ...endpoint };
	const standIn = standInModelId(settings);
	return standIn ? { kind: 'embedded', modelId: standIn } : null;
}

/** The models that run on the stand-in, each with the stand-in's id. */
export function standIns(settings: EndpointSettings = config()): Partial<Record<ModelId, string>> {
	const out: Partial<Record<ModelId, string>> = {};
	for (const id of MODEL_IDS) {
		const backend = modelBackend(id, settings);
		if (backend?.kind === 'embedded') out[id] = backend.modelId;
	}
	return out;
}

/** The model's endpoint, or null when its variable is unset. */
export function modelEndpoint(id: ModelId, settings: EndpointSettings = config()): ModelEndpoint | null {
	const configured = settings[getModel(id).endpointVariable];
	if (!configured) return null;
	const { url, basicCredentials } = withoutCredentials(configured);
	return { url, ...(settings.HF_TOKEN ? { token: settings.HF_TOKEN } : {}), ...(basicCredentials ? { basicCredentials } : {}) };
}

/** The endpoint URL with any `user:password@` taken out, and those credentials. */
function withoutCredentials(configured: string): { url: string; basicCredentials?: string } {
	const url = new URL(configured);
	if (!url.username && !url.password) return { url: configured };
	const basicCredentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
	url.username = '';
	url.password = '';
	const bare = url.toString();
	// URL adds a '/' to a bare origin; the library appends its own paths to what it is given.
	return { url: url.pathname === '/' && !configured.endsWith('/') ? bare.slice(0, -1) : bare, basicCredentials };
}

/** Whether the model can run: it has an endpoint, or the stand-in takes its place. */
export function isModelConfigured(id: ModelId, settings: EndpointSettings = config()): boolean {
	return modelBackend(id, settings) !== null;
}

/** What a studio with no endpoint for the model says, plainly, with how to add one. */
export function notConfiguredMessage(id: ModelId): string {
	const model = getModel(id);
	return (
		`No model endpoint is configured for ${model.displayName}: set ${model.endpointVariable} to the URL of a ` +
		`TGI server, Space or Inference Endpoint serving ${model.hubModelId} (and HF_TOKEN if it is private), then restart the studio.`
	);
}

// ---- parameters -------------------------------------------------------------------------------

/** Parameters as sent to the model, TGI's names, already within the model's limits. */
export type GenerationParameters = {
	max_new_tokens: number;
	temperature: number;
	top_p?: number;
	stop?: string[];
	seed?: number;
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The schema of a run's parameters for one model: numbers out of range are clamped to the model's
 * limits, a top_p of 1 (no nucleus sampling) is dropped, stop sequences are deduplicated and capped;
 * values of the wrong type are refused.
 */
export function parametersSchema(id: ModelId) {
	const { limits } = getModel(id);
	return z
		.object({
			maxTokens: z.number().finite().optional(),
			temperature: z.number().finite().optional(),
			topP: z.number().finite().optional(),
			seed: z.number().finite().optional(),
			stop: z.array(z.string()).optional()
		})
		.transform((p): GenerationParameters => {
			const out: GenerationParameters = {
				max_new_tokens: clamp(Math.round(p.maxTokens ?? limits.defaultMaxNewTokens), 1, limits.maxNewTokens),
				temperature: clamp(p.temperature ?? 0.7, 0, limits.maxTemperature)
			};
			if (p.topP !== undefined) {
				const topP = clamp(p.topP, 0.01, 1);
				if (topP < 1) out.top_p = topP;
			}
			if (p.seed !== undefined) out.seed = clamp(Math.trunc(p.seed), 0, 2 ** 31 - 1);
			const stop = [...new Set((p.stop ?? []).filter((s) => s.length > 0))].slice(0, limits.maxStopSequences);
			if (stop.length > 0) out.stop = stop;
			return out;
		});
}

// Built once per model: building a zod schema costs more than parsing with it (~0.6 ms a run).
const schemas = new Map<ModelId, ReturnType<typeof parametersSchema>>();

export function normaliseParameters(id: ModelId, parameters: Partial<DraftParameters>): GenerationParameters {
	let schema = schemas.get(id);
	if (!schema) schemas.set(id, (schema = parametersSchema(id)));
	return schema.parse(parameters);
}

// ---- prompts ----------------------------------------------------------------------------------

export type ChatMessage = {
	role: 'system' | 'user' | 'assistant';
	content: string;
};

export type FormattedPrompt = { format: 'chat'; messages: ChatMessage[] } | { format: 'text'; text: string };

/**
 * The prompt in the model's shape, from the version's parts with the user template already rendered.
 * Chat: the system prompt (when not blank), each few-shot example as a user turn and an assistant turn,
 * then the rendered user turn. Text: the same parts as one plain text, separated by blank lines.
 */
export function formatPrompt(
	id: ModelId,
	content: Pick<DraftContent, 'systemPrompt' | 'fewShotExamples'>,
	renderedUser: string,
	format: PromptFormat = getModel(id).format
): FormattedPrompt {
	const system = content.systemPrompt.trim();
	const examples = content.fewShotExamples.filter((e) => e.input.trim() || e.output.trim());
	if (format === 'chat') {
		const messages: ChatMessage[] = [];
		if (system) messages.push({ role: 'system', content: system });
		for (const example of examples) {
			messages.push({ role: 'user', content: example.input }, { role: 'assistant', content: example.output });
		}
		messages.push({ role: 'user', content: renderedUser });
		return { format: 'chat', messages };
	}
	const parts = [system, ...examples.map((e) => `${e.input}\n${e.output}`), renderedUser].filter((p) => p.length > 0);
	return { format: 'text', text: parts.join('\n\n') };
}
