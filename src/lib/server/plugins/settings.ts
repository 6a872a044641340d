// Which plugins a workspace uses and how (plugin_settings): every discovered plugin listed with its
// state, enabled or disabled and configured by owners and editors, the configuration checked
// against the plugin's own schema before it is stored.
import { prisma } from '../db';
import type { Prisma } from '../db';
import { forbidden, invalid, notFound } from '../errors';
import { capabilities, type Member } from '../workspaces';
import { getPlugin, listPlugins } from './registry';
import type { EnabledPlugin } from './runner';
import type { HookName } from '$lib/plugins';

export interface PluginSettingView {
	id: string;
	name: string;
	version: string;
	description: string;
	hooks: HookName[];
	enabled: boolean;
	/** The stored configuration, or the plugin's defaults, as JSON text for the form. */
	config: string;
}

const defaults = (id: string) => getPlugin(id)?.manifest.configSchema.parse({}) ?? {};

export async function pluginSettings(member: Member): Promise<PluginSettingView[]> {
	const rows = await (await prisma()).pluginSetting.findMany({ where: { workspaceId: member.workspace.id } });
	const stored = new Map(rows.map((row) => [row.pluginId, row]));
	return listPlugins().map(({ manifest }) => ({
		id: manifest.id,
		name: manifest.name,
		version: manifest.version,
		description: manifest.description,
		hooks: manifest.hooks,
		enabled: stored.get(manifest.id)?.enabled ?? false,
		config: JSON.stringify(stored.get(manifest.id)?.config ?? defaults(manifest.id), null, 2)
	}));
}

/** Enables or disables a plugin with a configuration (JSON text, checked by the plugin's schema). */
export async function savePluginSetting(member: Member, pluginId: string, enabled: boolean, configText: string): Promise<void> {
	if (!capabilities(member).edit) throw forbidden('Viewers cannot change plugins.');
	const plugin = getPlugin(pluginId);
	if (!plugin) throw notFound(`The plugin ${pluginId}`);
	let raw: unknown;
	try {
		raw = configText.trim() ? JSON.parse(configText) : {};
	} catch {
		throw invalid('The configuration is not valid JSON.', 'config');
	}
	const parsed = plugin.manifest.configSchema.safeParse(raw);
	if (!parsed.success) throw invalid(`Configuration: ${parsed.error.issues[0]!.path.join('.') || 'value'} ${parsed.error.issues[0]!.message}`, 'config');
	const config = parsed.data as Prisma.InputJsonValue;
	await (await prisma()).pluginSetting.upsert({
		where: { workspaceId_pluginId: { workspaceId: member.workspace.id, pluginId } },
		create: { workspaceId: member.workspace.id, pluginId, enabled, config, updatedById: member.user.id },
		update: { enabled, config, updatedById: member.user.id }
	});
}

/** The workspace's enabled plugins with their stored configuration (a plugin no longer shipped is skipped). */
export async function enabledPlugins(workspaceId: string): Promise<EnabledPlugin[]> {
	const rows = await (await prisma()).pluginSetting.findMany({ where: { workspaceId, enabled: true } });
	return rows.flatMap((row) => {
		const plugin = getPlugin(row.pluginId);
		return plugin ? [{ plugin, config: row.config }] : [];
	});
}
