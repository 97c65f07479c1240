// The services the interaction steps share.
import type { InviteTokenParam } from '../oidc/invite-token-param.ts';
import type Provider from 'oidc-provider';
import type { ViewEngine } from '../views/view-engine.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { RegistrationService } from '../accounts/registration-service.ts';
import type { SignInService } from '../accounts/sign-in-service.ts';
import type { Store } from '../store/ports.ts';
import type { Config } from '../config.ts';
import type { VerificationService } from '../verification/verification-service.ts';

export interface InteractionDeps {
  provider: Provider;
  views: ViewEngine;
  invites: InviteService;
  registration: RegistrationService;
  signIn: SignInService;
  store: Store;
  /** Sign-up with its optional code step (creates the account at once when no code is needed). */
  verification: VerificationService;
  config: Pick<Config, 'require_phone_verification'>;
  /** Opens the sealed invite_token of an authorization request. */
  inviteTokenParam: InviteTokenParam;
}
