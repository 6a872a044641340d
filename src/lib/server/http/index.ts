// What only speaks HTTP: the request hooks' pieces (bounded bodies, security headers, the database
// outage answer, the calm error). hooks.server.ts composes them; domains never import from here.
export { databaseUnreachableError, unlessDatabaseUnreachable, withDatabaseOutage } from './database-outage';
export { handleServerError } from './errors';
export { guardRequest } from './handle';
export { REQUEST_LIMITS, refuseUnreadableBody } from './request-limits';
export { withSecurityHeaders } from './security-headers';
