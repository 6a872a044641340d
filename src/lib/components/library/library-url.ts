// Links within the library listing: the current query with some parameters changed, built with
// URLSearchParams (tags such as `c++` or `c#` are encoded, never pasted into a URL). Any change
// but the page number itself goes back to page 1; defaults are left out, so links stay short.
import type { LibraryQuery } from '$lib/schemas/publishing';

export type LibraryLink = Partial<Pick<LibraryQuery, 'q' | 'sort' | 'tag' | 'model' | 'page'>>;

export function libraryHref(query: LibraryQuery, change: LibraryLink = {}): string {
	const next = { ...query, page: 1, ...change };
	const params = new URLSearchParams();
	if (next.q) params.set('q', next.q);
	// Without a query there is no relevance: the library shows the newest first.
	const defaultSort = next.q ? 'relevance' : 'newest';
	if (next.sort !== defaultSort && (next.q || next.sort !== 'relevance')) params.set('sort', next.sort);
	if (next.tag) params.set('tag', next.tag);
	if (next.model) params.set('model', next.model);
	if (next.page > 1) params.set('page', String(next.page));
	const text = params.toString();
	return text ? `/library?${text}` : '/library';
}

/** A public prompt's page: /library/<workspace>/<prompt>. */
export function publicPromptHref(address: { workspaceSlug: string; promptSlug: string }, version?: number): string {
	const path = `/library/${encodeURIComponent(address.workspaceSlug)}/${encodeURIComponent(address.promptSlug)}`;
	return version === undefined ? path : `${path}?${new URLSearchParams({ version: String(version) })}`;
}
