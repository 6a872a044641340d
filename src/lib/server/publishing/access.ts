// Who may publish: editors and owners of the prompt's workspace who may see the prompt (the
// studio's own rule, getPrompt: other people's private prompts stay out of reach, as a 404).
import { prisma } from '../db';
import { forbidden } from '../errors';
import { getPrompt } from '../prompts';
import { capabilities, type Member } from '../workspaces';

export interface PublishablePrompt {
	id: string;
	slug: string;
	name: string;
	description: string;
	tags: string[];
	visibility: 'private' | 'workspace' | 'public';
	hiddenAt: Date | null;
	hiddenReason: string | null;
}

export function canPublish(member: Member): boolean {
	return capabilities(member).publish;
}

/** The prompt as the member sees it (404 when they may not), with what publishing needs. */
export async function promptForPublishing(member: Member, slug: string): Promise<PublishablePrompt> {
	const prompt = await getPrompt(member, slug);
	const moderation = await (await prisma()).prompt.findUniqueOrThrow({ where: { id: prompt.id }, select: { hiddenAt: true, hiddenReason: true } });
	return {
		id: prompt.id,
		slug: prompt.slug,
		name: prompt.name,
		description: prompt.description,
		tags: prompt.tags,
		visibility: prompt.visibility,
		...moderation
	};
}

/** The prompt, for an editor or owner; viewers get 403. */
export async function requirePublisher(member: Member, slug: string, message = 'Viewers cannot publish prompts.'): Promise<PublishablePrompt> {
	if (!canPublish(member)) throw forbidden(message);
	return promptForPublishing(member, slug);
}
