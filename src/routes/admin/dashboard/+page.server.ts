// The operator dashboard (site admins): figures of finished runs per model over a chosen window.
import { dashboardFigures, dashboardWindowSchema, DASHBOARD_WINDOWS } from '$lib/server/dashboard';
import { orHttpError } from '$lib/server/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const window = dashboardWindowSchema.parse(url.searchParams.get('window') ?? undefined);
	return { figures: await orHttpError(dashboardFigures(locals.user, window)), windows: Object.keys(DASHBOARD_WINDOWS) as (keyof typeof DASHBOARD_WINDOWS)[] };
};
