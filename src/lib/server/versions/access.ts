// Who may do what with a prompt's versions: any member who can see the prompt reads its history,
// reviews and diffs; editors and owners commit, restore, move labels and review.
import { forbidden } from '../errors';
import { getPrompt } from '../prompts';
import { capabilities, type Member } from '../workspaces';

export interface PromptRef {
	id: string;
	slug: string;
	name: string;
}

/** The prompt in the member's workspace, as getPrompt sees it (404 when hidden or missing). */
export async function promptOf(member: Member, slug: string): Promise<PromptRef> {
	const prompt = await getPrompt(member, slug);
	return { id: prompt.id, slug: prompt.slug, name: prompt.name };
}

export function canChangeVersions(member: Member): boolean {
	return capabilities(member).edit;
}

export function requireVersionEditor(member: Member, message = 'Viewers cannot change versions.'): void {
	if (!canChangeVersions(member)) throw forbidden(message);
}
