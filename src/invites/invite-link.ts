// The invitation link: always built from the issuer, never from a request's Host.
export function inviteUrl(issuer: string, token: string): string {
  return `${issuer}/invite/${token}`;
}
