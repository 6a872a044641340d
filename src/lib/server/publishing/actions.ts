// The Publish tab's form actions: each checks membership and role, parses its form, calls the
// service, and answers `{ success: true, message }` or a FormFailure. The rules live in publish.ts.
import { error, type ActionFailure } from '@sveltejs/kit';
import type { FormFailure } from '$lib/forms';
import { publishSchema, unpublishSchema } from '$lib/schemas/publishing';
import { emptyFormSchema } from '$lib/schemas/versions';
import { ServiceError } from '../errors';
import { parseForm, toFailure } from '../forms';
import { requireMember, requireRole, type Member } from '../workspaces';
import { publishVersion, unpublish } from './publish';

export interface PublishEvent {
	locals: App.Locals;
	url: URL;
	request: Request;
	params: { workspace: string; prompt: string };
}

type Answer = ({ success: true; message: string } & Record<string, unknown>) | ActionFailure<FormFailure>;

async function publisher(event: PublishEvent): Promise<Member> {
	const member = await requireMember(event.locals, event.url, event.params.workspace);
	requireRole(member, 'editor');
	return member;
}

async function answer(work: () => Promise<Answer>, values: Record<string, string>): Promise<Answer> {
	try {
		return await work();
	} catch (e) {
		if (e instanceof ServiceError && e.status === 404) error(404, e.message);
		return toFailure(e, values);
	}
}

export async function publishAction(event: PublishEvent): Promise<Answer> {
	const member = await publisher(event);
	const form = await parseForm(event.request, publishSchema);
	if (!form.ok) return form.failure;
	return answer(async () => {
		const result = await publishVersion(member, event.params.prompt, form.data);
		return { success: true, message: result.message, publicPath: `/library/${result.workspaceSlug}/${result.promptSlug}` };
	}, form.values);
}

export async function unpublishAction(event: PublishEvent): Promise<Answer> {
	const member = await publisher(event);
	const form = await parseForm(event.request, unpublishSchema);
	if (!form.ok) return form.failure;
	return answer(async () => ({ success: true, ...(await unpublish(member, event.params.prompt, form.data.version)) }), form.values);
}

export async function unpublishAllAction(event: PublishEvent): Promise<Answer> {
	const member = await publisher(event);
	const form = await parseForm(event.request, emptyFormSchema);
	if (!form.ok) return form.failure;
	return answer(async () => ({ success: true, ...(await unpublish(member, event.params.prompt)) }), form.values);
}
