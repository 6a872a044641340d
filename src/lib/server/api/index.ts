// The prompt API (/api/v1): bearer-token endpoints, their one error shape, and the OpenAPI document
// and reference page built from the same zod schemas the endpoints validate with.
export { API_ERROR_CODES, ApiError, errorResponse, fromServiceError, isApiRequest, type ApiErrorCode } from './errors';
export { API_JSON_BYTES, apiHandler, jsonBody } from './handler';
export { fetchApiPrompt, listApiPrompts, renderApiPrompt, renderRequestSchema, versionQuerySchema, type RenderRequest, type VersionQuery } from './prompts';
export { apiRunResult, startApiRun, type StartedApiRun } from './run';
export { openApiDocument, type OpenApiDocument } from './openapi';
export { apiReference, type ApiReference } from './openapi-reference';
