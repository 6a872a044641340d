// GET /api/v1/prompts: the workspace's shared prompts (token scope: read).
import { json } from '@sveltejs/kit';
import { apiHandler, listApiPrompts } from '$lib/server/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiHandler('read', async (caller) => json({ prompts: await listApiPrompts(caller) }));
