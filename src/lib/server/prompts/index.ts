// Prompts in a workspace: the public surface for routes.
export {
	createPrompt,
	deletePrompt,
	getPrompt,
	listPrompts,
	privatePromptRule,
	promptFacets,
	updatePromptMeta,
	type PromptDetail,
	type PromptSummary
} from './prompts';
export { createPromptFromStarter, listStarters, type StarterSummary } from './starters';
export {
	TX_OPTIONS,
	changeStarCount,
	countFork,
	hideFromLibrary,
	lockPrompt,
	markForkedFrom,
	promptExists,
	setCurrentVersion,
	setVisibility,
	unhideFromLibrary,
	type MirroredContent,
	type Transaction
} from './library-row';
