// GET /api/v1/prompts: the workspace's shared prompts (token scope: read).
import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api/handler';
import { listApiPrompts } from '$lib/server/api/prompts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiHandler('read', async (caller) => json({ prompts: await listApiPrompts(caller) }));
