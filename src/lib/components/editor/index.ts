// The live prompt editor: CodeMirror 6 editors bound to the draft's Yjs document, presence,
// parameters, template variables with a preview, the draft's status and the commit box.
export { default as CollabEditor } from './CollabEditor.svelte';
export { default as CommitBox } from './CommitBox.svelte';
export { default as ConnectionStatus } from './ConnectionStatus.svelte';
export { default as DraftStatus } from './DraftStatus.svelte';
export { default as ExamplesEditor } from './ExamplesEditor.svelte';
export { default as ParamsPanel } from './ParamsPanel.svelte';
export { default as PresenceList } from './PresenceList.svelte';
export { default as TemplateVariables } from './TemplateVariables.svelte';
export { DraftConnection, type ConnectionState, type Peer, type PresenceUser } from './draft-connection.svelte';
export { templateHighlight } from './template-highlight';
export { userColor, type UserColor } from './user-color';
