// The public library: anyone, signed in or not, browses, searches and filters the published
// prompts. The query lives in the URL (a GET form), so every view is a link one can share.
import { libraryQuerySchema } from '$lib/schemas/publishing';
import { searchLibrary } from '$lib/server/publishing';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const query = libraryQuerySchema.parse(Object.fromEntries(url.searchParams));
	return { query, result: await searchLibrary(query) };
};
