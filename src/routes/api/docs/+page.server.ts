// /api/docs: the prompt API reference, public, read from the same OpenAPI document /api/openapi.json serves.
import { openApiDocument } from '$lib/server/api/openapi';
import { apiReference } from '$lib/server/api/openapi-reference';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ reference: apiReference(openApiDocument().document, url.origin) });
