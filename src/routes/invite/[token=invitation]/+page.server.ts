import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Role } from '$lib/schemas/workspace';
import { clientAddress } from '$lib/server/auth';
import { orHttpError } from '$lib/server/errors';
import { formAction } from '$lib/server/http';
import { INVITATION_GONE, INVITATION_USED_BEFORE, acceptInvitation, lookUpInvitation } from '$lib/server/workspaces';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

// An invitation link's page. Anyone may open it: it says where it leads, with which role and from
// whom (or, for a link that cannot be used, one calm sentence); a signed-in person joins with one
// click, a signed-out one signs up or signs in and is sent back here. Opening links is throttled
// per address (429 past the budget), so that secrets cannot be guessed by trying.
/** A role in words, as the page says it: who you would be, and what that lets you do. */
const ROLE_WORDS: Record<Role, { someone: string; does: string }> = {
	owner: { someone: 'an owner', does: 'manages the workspace' },
	editor: { someone: 'an editor', does: 'edits and runs prompts' },
	viewer: { someone: 'a viewer', does: 'reads and watches' }
};

export const load: PageServerLoad = async (event) => {
	const invitation = await orHttpError(lookUpInvitation(event.params.token, clientAddress(event), event.locals.user));
	return {
		/** This page's own address, for the sign-in and sign-up pages to send the person back to. */
		back: event.url.pathname,
		signedInAs: event.locals.user?.username ?? null,
		/** What a link that cannot be used says, whatever the reason. */
		gone: INVITATION_GONE,
		/** What someone who came in through this link before is told (a link lets each person in once). */
		usedBefore: INVITATION_USED_BEFORE,
		invitation: invitation && {
			workspace: invitation.workspace,
			role: invitation.role,
			roleWords: ROLE_WORDS[invitation.role],
			invitedBy: invitation.invitedBy,
			expiresAt: invitation.expiresAt.toISOString(),
			/** Accepting would add you, raise your role, change nothing (you have this role or a higher one), or be refused (you used this link before). */
			onAccept: invitation.onAccept,
			yourRoleWords: invitation.yourRole && ROLE_WORDS[invitation.yourRole]
		}
	};
};

/** Signed in, or sent to sign in and back to this link (not to the action's address). */
function signedIn({ locals, url }: RequestEvent) {
	if (!locals.user) redirect(303, `/signin?redirectTo=${encodeURIComponent(url.pathname)}`);
	return locals.user;
}

export const actions: Actions = {
	accept: formAction({
		guard: signedIn,
		schema: z.object({}),
		// A link that cannot be used is this form's message (the calm sentence), not a 404 page.
		missing: 'message',
		act: async (user, _form, event) => {
			const { workspace } = await acceptInvitation(user, event.params.token, clientAddress(event));
			redirect(303, `/w/${workspace.slug}`);
		}
	})
};
