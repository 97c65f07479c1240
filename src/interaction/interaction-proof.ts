// What a hosted interaction has proved so far, between its steps: a right password waiting for its
// second factor, or a finished sign-in (a passkey sign-up, a factor just added) waiting for the
// backup-codes page. Sealed (AES-256-GCM) in a cookie scoped to the interaction's own path, bound
// to its uid and short-lived: the provider's session is only made once the whole sign-in is done.
import type { Context } from 'koa';
import { createPayloadSealer, type PayloadSealer } from '../security/payload-sealer.ts';

const COOKIE = 'gl.mfa';
/** Long enough to find a phone or a security key; short enough that a left-open page does not keep a half sign-in. */
export const PROOF_TTL_MS = 10 * 60_000;

export interface InteractionProof {
  uid: string;
  accountId: string;
  amr: string[];
  acr: string;
  /** What this interaction must still do before it can finish. */
  next: 'second_factor' | 'backup_codes';
  /** The account was made in this interaction (the sign-up's result says so to the provider). */
  signedUp: boolean;
  /** When it was proved (ms, the app's clock). */
  at: number;
}

export interface InteractionProofs {
  remember(ctx: Context, proof: Omit<InteractionProof, 'at'>): void;
  /** The live proof of this interaction, or null (absent, tampered, another interaction's, expired). */
  read(ctx: Context, uid: string): InteractionProof | null;
  forget(ctx: Context, uid: string): void;
}

export function createInteractionProofs(cookieKeys: readonly string[], clock: () => Date): InteractionProofs {
  const sealer: PayloadSealer = createPayloadSealer(cookieKeys, 'interaction-proof-v1');
  const options = (ctx: Context, uid: string) => ({ httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: `/interaction/${uid}`, overwrite: true, signed: false });
  return {
    remember(ctx, proof) {
      ctx.cookies.set(COOKIE, sealer.seal({ ...proof, at: clock().getTime() }), options(ctx, proof.uid));
    },
    read(ctx, uid) {
      const sealed = ctx.cookies.get(COOKIE, { signed: false });
      if (!sealed) return null;
      try {
        const proof = sealer.open<InteractionProof>(sealed);
        return proof.uid === uid && proof.at + PROOF_TTL_MS > clock().getTime() ? proof : null;
      } catch {
        return null;
      }
    },
    forget(ctx, uid) {
      ctx.cookies.set(COOKIE, null, options(ctx, uid));
    },
  };
}
