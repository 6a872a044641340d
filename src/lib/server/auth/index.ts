// Accounts and sessions: the public surface that hooks, routes and realtime/ use.
export { signIn, signUp, usernameKey } from './accounts';
export { changePassword } from './password-change';
export { setDisplayName } from './profile';
export { listSignedInSessions, signOutSession, type SignedInSession } from './signed-in-sessions';
export {
	SESSION_COOKIE,
	countOtherSessions,
	createSession,
	deleteSessionTokenCookie,
	generateSessionToken,
	invalidateSession,
	invalidateOtherSessions,
	invalidateUserSessions,
	sessionExpiry,
	setSessionTokenCookie,
	shownName,
	startSession,
	validateSessionToken,
	type AuthSession,
	type SessionUser
} from './session';
export { requireUser } from './guards';
export { handleSession } from './handle';
export { clientAddress } from './client-address';
export { AFTER_SIGNIN, safeRedirectPath } from './redirect';
export { requireSiteAdmin, setSiteAdmin, siteAdmins } from './site-admin';
