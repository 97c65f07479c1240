// Types the console takes from the services it calls, named once (the console never imports the store).
import type { AuditLog } from '../audit/audit-log.ts';

export type AuditQueryFilter = Parameters<AuditLog['list']>[0];
