// The services the interaction steps share (never the store: steps call services).
import type Provider from 'oidc-provider';
import type { InviteTokenParam } from '../oidc/invite-token-param.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { SignInService } from '../accounts/sign-in-service.ts';
import type { SignUpService } from '../signup/signup-service.ts';
import type { Config } from '../config.ts';
import { t } from '../i18n/format-message.ts';
import type { MfaServices } from '../mfa/mfa-services.ts';
import type { MemberAccounts } from '../accounts/member-accounts.ts';
import type { InteractionProofs } from './interaction-proof.ts';

export interface InteractionDeps {
  provider: Provider;
  views: ViewEngine;
  invites: InviteService;
  signIn: SignInService;
  /** Sign-up with its optional code step (creates the account at once when no code is needed). */
  signUp: SignUpService;
  config: Pick<Config, 'require_phone_verification' | 'require_email_verification' | 'mfa' | 'password_min_length'>;
  /** Second factors and passkeys (src/mfa/). */
  mfa: MfaServices;
  /** Who is an active member (a passkey may name a disabled account). */
  members: MemberAccounts;
  /** What the interaction has proved between its steps (interaction-proof.ts). */
  proofs: InteractionProofs;
  /** Opens the sealed invite_token of an authorization request. */
  inviteTokenParam: InviteTokenParam;
  /** The upstream identity providers whose "Continue with" buttons the pages show. */
  upstreamButtons: () => Array<{ id: string; name: string }>;
}

/** The buttons as the templates take them (partials/upstream-buttons.hbs). */
export const upstreamButtonsFor = (deps: Pick<InteractionDeps, 'upstreamButtons'>) =>
  deps.upstreamButtons().map((button) => ({ id: button.id, label: t('federation_continue', { name: button.name }) }));
