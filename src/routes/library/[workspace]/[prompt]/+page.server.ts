// A public prompt's page: anyone reads it (a version with `?version=N`); signed-in people star it
// and report it; site admins also see it while hidden, and hide or unhide it from here.
import { error, type RequestEvent } from '@sveltejs/kit';
import { emptyFormSchema } from '$lib/schemas/versions';
import { hideSchema, reportSchema } from '$lib/schemas/publishing';
import { requireUser } from '$lib/server/auth';
import { orHttpError } from '$lib/server/errors';
import { hidePrompt, listedPrompt, publicPromptPage, reportAbuse, starPrompt, unhidePrompt, unstarPrompt } from '$lib/server/publishing';
import type { z } from 'zod';
import { formAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const asked = url.searchParams.get('version');
	if (asked !== null && !/^[1-9]\d{0,8}$/.test(asked)) error(404, 'Not found.');
	const prompt = await orHttpError(
		publicPromptPage(params.workspace, params.prompt, { versionNumber: asked === null ? undefined : Number(asked), viewer: locals.user })
	);
	return { prompt, origin: url.origin };
};

type Event = RequestEvent<{ workspace: string; prompt: string }>;

/** Signed in → form → service; the prompt gone (or hidden) is the 404 page, other refusals the form's message. */
function signedInAction<S extends z.ZodType>(schema: S, act: (event: Event, data: z.infer<S>) => Promise<{ message: string }>) {
	return formAction({ guard: (event: Event) => requireUser(event.locals, event.url), schema, act: (_user, data, event) => act(event, data) });
}

const address = ({ params }: Event) => ({ workspaceSlug: params.workspace, promptSlug: params.prompt });
/** The prompt at this address as a site admin may see it (hidden ones too). */
const moderatedId = async (event: Event) => (await listedPrompt(address(event), { includeHidden: true })).promptId;

export const actions: Actions = {
	star: signedInAction(emptyFormSchema, async (event) => {
		const state = await starPrompt(event.locals.user!, address(event));
		return { message: `Starred (${state.starCount}).` };
	}),
	unstar: signedInAction(emptyFormSchema, async (event) => {
		const state = await unstarPrompt(event.locals.user!, address(event));
		return { message: `Star removed (${state.starCount}).` };
	}),
	report: signedInAction(reportSchema, async (event, { reason }) => reportAbuse(event.locals.user!, address(event), reason)),
	// moderation.ts checks the site admin role itself; anyone else gets the 404 page.
	hide: signedInAction(hideSchema, async (event, { reason }) => hidePrompt(event.locals.user, await moderatedId(event), reason)),
	unhide: signedInAction(emptyFormSchema, async (event) => unhidePrompt(event.locals.user, await moderatedId(event)))
};
