// Who may use the admin console and what each role may do there. `admin` does everything,
// `inviter` manages invitations and reads the rest, `viewer` only reads. Nobody else gets in.

export const CONSOLE_ROLES = ['admin', 'inviter', 'viewer'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** What a console page or action needs. */
export type ConsolePermission = 'read' | 'invite' | 'manage';

const GRANTS: Record<ConsoleRole, readonly ConsolePermission[]> = {
  admin: ['read', 'invite', 'manage'],
  inviter: ['read', 'invite'],
  viewer: ['read'],
};

/** The strongest console role among an account's roles, or null: not a console user. */
export function consoleRoleOf(roles: readonly string[]): ConsoleRole | null {
  return CONSOLE_ROLES.find((role) => roles.includes(role)) ?? null;
}

export function mayDo(role: ConsoleRole, permission: ConsolePermission): boolean {
  return GRANTS[role].includes(permission);
}

/** Console roles open the console: only an admin may hand them out, so nobody grants more than they hold. */
export function isConsoleRole(role: string): boolean {
  return (CONSOLE_ROLES as readonly string[]).includes(role);
}
