// Request dispatch: `init` starts the studio (./lib/server/lifecycle), `handle` guards each request
// and puts the session's user on locals, `handleError` logs the unexpected once and answers calmly.
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { handleSession } from '$lib/server/auth';
import { guardRequest, handleServerError, withDatabaseOutage } from '$lib/server/http';
import { startStudio } from '$lib/server/lifecycle';

export const init: ServerInit = startStudio;

export const handle: Handle = withDatabaseOutage(sequence(guardRequest, handleSession));

export const handleError: HandleServerError = handleServerError;
