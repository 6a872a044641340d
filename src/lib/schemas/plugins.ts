// The plugins page's form: one plugin switched on or off with its configuration as JSON text (the
// server checks it against the plugin's own schema).
import { z } from 'zod';

export const pluginSettingSchema = z.object({
	pluginId: z.string().trim().min(1).max(64).regex(/^[a-z0-9-]+$/, 'Unknown plugin.'),
	enabled: z
		.literal('on')
		.optional()
		.transform((value) => value === 'on'),
	config: z.string().max(20_000, 'The configuration is over 20,000 characters.').default('{}')
});
