// The Publish tab's form actions: editors and owners only, each a formAction answering
// `{ success: true, message }` or a FormFailure. The rules live in the publishing domain.
import { publishSchema, unpublishSchema } from '$lib/schemas/publishing';
import { emptyFormSchema } from '$lib/schemas/versions';
import { publishVersion, unpublish } from '../../publishing';
import { formAction } from '../form-action';
import { workspaceMember } from '../guards';

export interface PublishEvent {
	locals: App.Locals;
	url: URL;
	request: Request;
	params: { workspace: string; prompt: string };
}

const publisher = workspaceMember('editor');

export const publishAction = formAction({
	guard: publisher,
	schema: publishSchema,
	act: async (member, data, event: PublishEvent) => {
		const result = await publishVersion(member, event.params.prompt, data);
		return { message: result.message, publicPath: `/library/${result.workspaceSlug}/${result.promptSlug}` };
	}
});

export const unpublishAction = formAction({
	guard: publisher,
	schema: unpublishSchema,
	act: (member, { version }, event: PublishEvent) => unpublish(member, event.params.prompt, version)
});

export const unpublishAllAction = formAction({
	guard: publisher,
	schema: emptyFormSchema,
	act: (member, _data, event: PublishEvent) => unpublish(member, event.params.prompt)
});
