// What only speaks HTTP: the request hooks' pieces (bounded bodies, security headers, the database
// outage answer). hooks.server.ts composes them; domains never import from here.
export { databaseUnreachableError, unlessDatabaseUnreachable, withDatabaseOutage } from './database-outage';
export { REQUEST_LIMITS, refuseUnreadableBody } from './request-limits';
export { withSecurityHeaders } from './security-headers';
