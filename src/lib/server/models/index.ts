// The two models and how the studio reaches them: the registry (endpoint or in-process stand-in for
// each), the gateway that streams a prepared request from an endpoint with retries, the embedded
// stand-in, the errors a model call can end in, and the starter prompts written for these models.
export {
	MODEL_IDS,
	MODELS,
	formatPrompt,
	getModel,
	isModelConfigured,
	isModelId,
	modelBackend,
	modelEndpoint,
	normaliseParameters,
	notConfiguredMessage,
	parametersSchema,
	standInModelId,
	standIns,
	type ChatMessage,
	type EndpointSettings,
	type FormattedPrompt,
	type GenerationParameters,
	type ModelBackend,
	type ModelDefinition,
	type ModelEndpoint,
	type ModelId,
	type ParameterLimits,
	type PromptFormat
} from './registry';
export {
	prepareRequest,
	streamGeneration,
	streamWithRetry,
	type GenerationEvent,
	type GenerationInput,
	type GenerationOptions,
	type PreparedRequest,
	type RetryOptions,
	type Usage,
	type WaitingInfo
} from './gateway';
export * from './errors';
export {
	checkFits,
	configuredSource,
	embeddedModel,
	fittedParameters,
	loadEmbeddedModel,
	promptTokenCount,
	streamEmbedded,
	SHIPPED_MODEL_ID,
	STAND_IN_MAX_NEW_TOKENS,
	EmbeddedModelLoadError,
	type EmbeddedModel,
	type EmbeddedRequest,
	type ModelSource
} from './embedded';
export { STARTER_PROMPTS, type StarterPrompt } from './starters';
