// The logger shape mail and SMS need (pino's Logger satisfies it), and the one recipient detail they may log.

export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Addresses are personal data and bodies carry tokens: logs get the recipient's domain, nothing more. */
export function recipientDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? 'unknown' : address.slice(at + 1).replace(/>.*$/, '').toLowerCase();
}

/** Servers echo addresses in their refusals ("550 <bob@example.org>: no such user"): keep the domain only. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:[\]]+@([a-z0-9.-]+)/gi, '…@$1');
}
