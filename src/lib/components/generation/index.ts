// Live generation sessions in the browser: the socket connection and its run state, the run form,
// and one model's output pane (markdown with highlighted code).
export { default as RunForm, type VersionChoice } from './RunForm.svelte';
export { default as RunOutput } from './RunOutput.svelte';
export { default as SessionStatus } from './SessionStatus.svelte';
export { RunBook, groupRuns, groupRunning, isFinished, type ResyncNeed, type RunEvent, type RunGroup } from './run-state';
export { SessionConnection, type RunRequest, type SessionSocket, type SessionState } from './session-connection.svelte';
