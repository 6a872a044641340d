// What the publishing domain stores and shows. A publication is one published version of a prompt,
// fixed when published; public_prompts holds the newest published version of each prompt for the
// library (search, listing, the public page). Neither ever holds an endpoint, header, token or user
// id: a public prompt carries text, variables and parameters only.
import { z } from 'zod';
import { MODEL_IDS } from '$lib/models';

/** One sample output as copied from a run when the version was published (publications.samples). */
export const sampleOutputSchema = z.object({
	model: z.enum(MODEL_IDS),
	/** The embedded model that stood in for it, when the run had no endpoint. */
	standIn: z.string().max(200).nullable(),
	variables: z.record(z.string(), z.string()),
	output: z.string()
});
export type SampleOutput = z.infer<typeof sampleOutputSchema>;

/** A row of the library's listing. */
export interface PublicPromptCard {
	/** /library/<workspaceSlug>/<promptSlug> */
	workspaceSlug: string;
	promptSlug: string;
	title: string;
	description: string;
	tags: string[];
	models: string[];
	authorName: string;
	versionNumber: number;
	publishedAt: string;
	starCount: number;
	forkCount: number;
	/** The start of the text (or, for a search, the best matching part), as plain text. */
	excerpt: string;
}

export interface LibraryPage {
	cards: PublicPromptCard[];
	/** Total matches (capped by the count the query could afford: see `totalIsEstimate`). */
	total: number;
	/** True when more prompts match than were counted: `total` is then a lower bound ("10,000+"). */
	totalIsEstimate: boolean;
	/**
	 * Set when a search matched too many prompts to rank them all: relevance then ranks this many of
	 * the newest matches (and the pages reach that far); null when every match was ranked.
	 */
	rankedAmong: number | null;
	page: number;
	pageCount: number;
}
