// The embedded model: a small code model run in-process by transformers.js, which stands in for any
// model that has no endpoint (registry.ts modelBackend), through the gateway like the others.
export { configuredSource, embeddedModel, loadEmbeddedModel, SHIPPED_MODEL_ID, EmbeddedModelLoadError, type EmbeddedModel, type ModelSource } from './loader';
export { checkFits, promptTokenCount, streamEmbedded, type EmbeddedRequest } from './stream';
export { fittedParameters, penalizeRepeats, standInParameters, STAND_IN_MAX_NEW_TOKENS, STAND_IN_REPETITION_PENALTY } from './decoding';
