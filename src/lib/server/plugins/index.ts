// Plugins (top-level plugins/): discovered at build time, enabled and configured per workspace,
// run isolated around generation. Routes and the generation domain call these.
export { listPlugins, getPlugin } from './registry';
export { enabledPlugins, pluginSettings, savePluginSetting, type PluginSettingView } from './settings';
export { analyseRunOutput, lintContent, transformPrompts } from './analysis';
export { scoreSample as scoreSampleWith, type EnabledPlugin } from './runner';
