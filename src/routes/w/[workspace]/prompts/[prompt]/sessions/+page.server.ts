// A prompt's live generation sessions, most recently active first, and opening a new one (editors
// and owners; the service refuses viewers, whatever the page shows).
import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { orHttpError, ServiceError } from '$lib/server/errors';
import { listSessions, openSession, sessionTitleSchema } from '$lib/server/generation';
import { getPrompt } from '$lib/server/prompts';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

const openSessionSchema = z.object({ title: sessionTitleSchema.default('') });

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	const [prompt, sessions] = await orHttpError(Promise.all([getPrompt(member, params.prompt), listSessions(member, params.prompt)]));
	return {
		workspace: member.workspace,
		can: capabilities(member),
		prompt: { slug: prompt.slug, name: prompt.name },
		sessions
	};
};

export const actions: Actions = {
	open: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		const form = await parseForm(request, openSessionSchema);
		if (!form.ok) return form.failure;
		let id: string;
		try {
			({ id } = await openSession(member, params.prompt, form.data.title));
		} catch (e) {
			if (e instanceof ServiceError && e.status === 404) error(404, e.message);
			return toFailure(e, form.values);
		}
		redirect(303, `/w/${member.workspace.slug}/prompts/${params.prompt}/sessions/${id}`);
	}
};
