// The services the interaction steps share (never the store: steps call services).
import type Provider from 'oidc-provider';
import type { InviteTokenParam } from '../oidc/invite-token-param.ts';
import type { ViewEngine } from '../views/view-engine.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { SignInService } from '../accounts/sign-in-service.ts';
import type { SignUpService } from '../signup/signup-service.ts';
import type { Config } from '../config.ts';

export interface InteractionDeps {
  provider: Provider;
  views: ViewEngine;
  invites: InviteService;
  signIn: SignInService;
  /** Sign-up with its optional code step (creates the account at once when no code is needed). */
  signUp: SignUpService;
  config: Pick<Config, 'require_phone_verification' | 'password_min_length'>;
  /** Opens the sealed invite_token of an authorization request. */
  inviteTokenParam: InviteTokenParam;
}
