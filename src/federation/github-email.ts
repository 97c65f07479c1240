// GitHub's email rule: its OAuth 2.0 has no ID token, so the email comes from GET /user/emails, and
// only the primary address GitHub has verified counts; an unverified one is never taken.

/** One entry of GET https://api.github.com/user/emails. */
export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: string | null;
}

/** The verified primary email, or null when GitHub vouches for none. */
export function verifiedPrimaryEmail(body: unknown): string | null {
  if (!Array.isArray(body)) return null;
  const primary = (body as Partial<GitHubEmail>[]).find((entry) => entry && entry.primary === true);
  if (!primary || primary.verified !== true || typeof primary.email !== 'string') return null;
  return primary.email;
}
