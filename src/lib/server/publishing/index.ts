// Community publishing: publishing a version to the library, searching it, public pages, stars,
// forks and moderation. Pages and routes enter here; the library's read model is listings/.
export { canPublish, promptForPublishing, requirePublisher, type PublishablePrompt } from './access';
export { forkOptions, forkOrigin, forkPublishedVersion, forkTargets, type ForkOptions, type PublicAddress } from './fork';
export { searchLibrary } from './library';
export { dismissReport, hiddenPrompts, hidePrompt, openReports, reportAbuse, unhidePrompt, REPORTS_PER_HOUR, type ModeratedPrompt, type ReportResult } from './moderation';
export { publishingOverview, type PublishingOverview } from './overview';
export { listedPrompt, publicPromptPage, type ListedPrompt, type PublicPromptPage, type PublishedVersionEntry } from './public-page';
export { publishVersion, unpublish, type PublishResult, type UnpublishResult } from './publish';
export { starPrompt, unstarPrompt, type StarState } from './stars';
