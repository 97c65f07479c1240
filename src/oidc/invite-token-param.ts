// invite_token on an authorization request, kept sealed: oidc-provider stores the request's
// parameters in its Interaction record for up to an hour, and an invitation token is never stored
// in clear. The token is sealed before that record is written and opened only to render the page.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { createPayloadSealer } from '../security/payload-sealer.ts';

export interface InviteTokenParam {
  /** oidc-provider's extraParams check for invite_token: replaces the token by its sealed form. */
  seal(ctx: KoaContextWithOIDC, value: string | undefined): Promise<void>;
  /** The token carried by an interaction's params; '' when there is none or it cannot be opened. */
  open(params: Record<string, unknown>): string;
}

export function createInviteTokenParam(cookieKeys: readonly string[]): InviteTokenParam {
  const sealer = createPayloadSealer(cookieKeys, 'invite-token-param-v1');
  const tryOpen = (value: string): string | null => {
    try {
      const opened = sealer.open<unknown>(value);
      return typeof opened === 'string' ? opened : null;
    } catch {
      return null;
    }
  };
  return {
    async seal(ctx, value) {
      // Sealed once: a value this provider already sealed (a resumed request) stays as it is.
      if (typeof value !== 'string' || !value || tryOpen(value) !== null) return;
      (ctx.oidc.params as Record<string, unknown>).invite_token = sealer.seal(value);
    },
    open(params) {
      const value = params.invite_token;
      return typeof value === 'string' ? (tryOpen(value) ?? '') : '';
    },
  };
}
