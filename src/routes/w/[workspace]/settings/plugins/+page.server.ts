// The workspace's plugins: every plugin the studio ships, switched on or off and configured by
// owners and editors (viewers see them); enabled plugins analyse every run's output when it ends.
import { pluginSettingSchema } from '$lib/schemas/plugins';
import { orHttpError } from '$lib/server/errors';
import { pluginSettings, savePluginSetting } from '$lib/server/plugins';
import { capabilities, requireMember } from '$lib/server/workspaces';
import { parseForm, toFailure } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const member = await requireMember(locals, url, params.workspace);
	return { workspace: member.workspace, can: capabilities(member), plugins: await orHttpError(pluginSettings(member)) };
};

export const actions: Actions = {
	save: async ({ locals, url, params, request }) => {
		const member = await requireMember(locals, url, params.workspace);
		const form = await parseForm(request, pluginSettingSchema);
		if (!form.ok) return form.failure;
		try {
			await savePluginSetting(member, form.data.pluginId, form.data.enabled, form.data.config);
		} catch (error) {
			return toFailure(error, form.values);
		}
		return { success: true, message: `Saved: ${form.data.pluginId} is ${form.data.enabled ? 'on' : 'off'}.`, pluginId: form.data.pluginId };
	}
};
