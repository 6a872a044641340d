// Site admins' moderation page: open abuse reports with the prompt's public link, hide / unhide /
// dismiss, the hidden prompts, and who the site admins are. Everyone else gets a 404, checked
// against the database on every load and action (moderation.ts).
import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { dismissReportSchema, hidePromptSchema, moderatedPromptSchema, siteAdminSchema } from '$lib/schemas/publishing';
import { orHttpError } from '$lib/server/errors';
import { requireSiteAdmin, setSiteAdmin, siteAdmins } from '$lib/server/auth';
import { dismissReport, hiddenPrompts, hidePrompt, openReports, unhidePrompt } from '$lib/server/publishing';
import { formAction } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const admin = await orHttpError(requireSiteAdmin(locals.user));
	const [reports, hidden, admins] = await Promise.all([openReports(admin), hiddenPrompts(admin), siteAdmins(admin)]);
	return { reports, hidden, admins, me: admin.username };
};

/** Site admins only (anyone else gets the 404 page); a report or prompt gone meanwhile is the form's message. */
function adminAction<S extends z.ZodType>(schema: S, act: (user: App.Locals['user'], data: z.infer<S>) => Promise<{ message: string }>) {
	return formAction({
		guard: ({ locals }: RequestEvent) => orHttpError(requireSiteAdmin(locals.user)).then(() => locals.user),
		schema,
		missing: 'message',
		act
	});
}

export const actions: Actions = {
	hide: adminAction(hidePromptSchema, (user, { promptId, reason }) => hidePrompt(user, promptId, reason)),
	unhide: adminAction(moderatedPromptSchema, (user, { promptId }) => unhidePrompt(user, promptId)),
	dismiss: adminAction(dismissReportSchema, (user, { reportId }) => dismissReport(user, reportId)),
	grant: adminAction(siteAdminSchema, (user, { username }) => setSiteAdmin(user, username, true)),
	revoke: adminAction(siteAdminSchema, (user, { username }) => setSiteAdmin(user, username, false))
};
