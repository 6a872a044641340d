// What only speaks HTTP: the request hooks' pieces (bounded bodies, security headers, the database
// outage answer, the calm error), reading forms and the one shape of a form action, and the form
// actions shared by several pages. Routes and hooks.server.ts use it; domains never import from here.
export { databaseUnreachableError, unlessDatabaseUnreachable, withDatabaseOutage } from './database-outage';
export { handleServerError } from './errors';
export { guardRequest } from './handle';
export { REQUEST_LIMITS, refuseUnreadableBody } from './request-limits';
export { withSecurityHeaders } from './security-headers';
export { formValues, parseForm, toFailure, type Parsed } from './forms';
export { formAction, type FormActionAnswer, type FormActionSpec } from './form-action';
export { workspaceMember, type WorkspaceEvent } from './guards';
export {
	closeAction,
	commitAction,
	mergeAction,
	moveLabelAction,
	proposeAction,
	restoreAction,
	reviewCommentAction,
	verdictAction,
	versionCommentAction,
	type PromptEvent
} from './actions/versions';
export { publishAction, unpublishAction, unpublishAllAction, type PublishEvent } from './actions/publishing';
