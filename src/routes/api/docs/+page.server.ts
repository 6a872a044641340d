// /api/docs: the prompt API reference, public, read from the same OpenAPI document /api/openapi.json serves.
import { apiReference, openApiDocument } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ reference: apiReference(openApiDocument().document, url.origin) });
