// Live generation: sessions, runs of one or both models, their history rows and token logs.
// Routes and the socket.io hub (realtime/hub) call these; nothing else writes the generation tables.
export { cancelLocalGroup, cancelRunGroup, closeGeneration, launchRuns, prepareRuns, renderedPromptText, resyncRun, sessionRunViews, sessionStandIns, startGeneration, startRuns, withOverrides, type RunOrigin } from './session-runs';
export { cancelRun, followRun, type RunFollower } from './follow';
export { consumeRunStart } from './limits';
export { activeRuns, runEvents, type RunEventMap } from './registry';
export { changeSessionVariables, readSessionVariables } from './session-variables';
export { getSession, listSessions, openSession, sessionAccess, sessionTitleSchema, type SessionAccess, type SessionRef, type SessionSummary } from './sessions';
export { configureGeneration, generationSettings, type GenerationSettings } from './settings';
export { storedRunView } from './records';
export { cacheFigures, getRun, listRuns, rateRun, type CacheFigures, type RunDetail, type RunList, type RunPartner, type RunSummary } from './history';
