// POST /api/v1/prompts/{slug}/run {label?|version?, variables, model?, parameters?, cacheMode?, stream?}
// (scope: run): runs the version on one model. Streamed as server-sent events (started, waiting,
// token…, done) or, with stream: false, answered as one JSON body when the run ends. A client that
// goes away mid-stream cancels its run (recorded as cancelled, with the text so far).
import { json } from '@sveltejs/kit';
import { apiRunRequestSchema, formatSseEvent, type ApiRunEvent } from '$lib/api/run-stream';
import { ApiError, apiHandler, apiRunResult, jsonBody, startApiRun } from '$lib/server/api';
import { cancelRun, followRun } from '$lib/server/generation';
import type { RunView } from '$lib/realtime/session-events';
import type { RequestHandler } from './$types';

/** A comment line now and then keeps proxies from closing a stream while a model wakes up. */
const KEEP_ALIVE_MS = 15_000;

export const POST: RequestHandler = apiHandler('run', async (caller, { params, request }) => {
	const body = apiRunRequestSchema.safeParse(await jsonBody(request));
	if (!body.success) throw new ApiError('invalid_request', body.error.issues[0]!.message, { issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
	const started = await startApiRun(caller, params.slug, body.data);
	const { executionId } = started.run;

	if (!body.data.stream) {
		const run = await new Promise<RunView>((resolve) => followRun(executionId, { waiting() {}, token() {}, finished: resolve }));
		return json(apiRunResult(run));
	}

	const encoder = new TextEncoder();
	let stopFollowing = () => {};
	let keepAlive: ReturnType<typeof setInterval> | undefined;
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (event: ApiRunEvent) => controller.enqueue(encoder.encode(formatSseEvent(event)));
			send({ event: 'started', data: { executionId, model: started.run.model, standIn: started.run.standIn, prompt: started.prompt, version: started.version } });
			stopFollowing = followRun(executionId, {
				waiting: ({ message, attempt, delaySeconds }) => send({ event: 'waiting', data: { message, attempt, delaySeconds } }),
				token: (seq, text) => send({ event: 'token', data: { seq, text } }),
				finished: (run) => {
					clearInterval(keepAlive);
					send({ event: 'done', data: apiRunResult(run) });
					controller.close();
				}
			});
			keepAlive = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), KEEP_ALIVE_MS);
		},
		cancel() {
			clearInterval(keepAlive);
			stopFollowing();
			cancelRun(executionId, 'the API client, which disconnected');
		}
	});
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			'x-accel-buffering': 'no',
			'x-execution-id': executionId
		}
	});
});
