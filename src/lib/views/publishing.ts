// What the library's public pages and the moderation page render of a published prompt. The server
// builds these ($lib/server/publishing re-exports them); pages and components only draw them.
import type { DraftParameters, FewShotExample } from '$lib/prompt-doc';
import type { SampleOutput } from '$lib/schemas/publishing';

/** A public prompt's address: /library/<workspaceSlug>/<promptSlug>. */
export interface PublicAddress {
	workspaceSlug: string;
	promptSlug: string;
}

export interface PublishedVersionEntry {
	number: number;
	title: string;
	publishedAt: string;
}

export interface PublicPromptPage {
	address: PublicAddress;
	title: string;
	description: string;
	tags: string[];
	authorName: string;
	version: {
		number: number;
		publishedAt: string;
		/** True when this is the version the library lists (the newest live one). */
		current: boolean;
		systemPrompt: string;
		userPromptTemplate: string;
		fewShotExamples: FewShotExample[];
		variables: string[];
		/** Model parameters only: modelType, temperature, maxTokens, topP, seed, stop. */
		parameters: DraftParameters;
		modelsTried: string[];
		samples: SampleOutput[];
	};
	/** Live published versions, newest first. */
	versions: PublishedVersionEntry[];
	currentVersion: number;
	starCount: number;
	forkCount: number;
	/** The prompt this one was forked from, while that one is itself in the library. */
	forkedFrom: (PublicAddress & { title: string; versionNumber: number | null }) | null;
	/** Only ever set for site admins (everyone else gets a 404 for a hidden prompt). */
	hidden: { at: string; reason: string | null } | null;
	viewer: {
		signedIn: boolean;
		starred: boolean;
		isSiteAdmin: boolean;
		/** The viewer reported this prompt and no admin has acted on it yet. */
		reported: boolean;
	};
}

export interface ModeratedPrompt {
	id: string;
	title: string;
	/** Its public address while it is listed (a hidden prompt keeps its row; an unpublished one has none). */
	address: PublicAddress | null;
	/** Where it lives in the studio, for an admin's reference. */
	workspaceSlug: string;
	promptSlug: string;
	hiddenAt: string | null;
	hiddenReason: string | null;
	hiddenBy: string | null;
}
