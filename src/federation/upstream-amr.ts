// The authentication methods an upstream sign-in is worth here: one factor, whatever the upstream
// did. Its own MFA is not trusted (Guestlist cannot see or check it), so `amr` says only `fed`
// (RFC 8176: federated), and a second factor asked for by policy is still asked for.
import { authenticationOf, type Authentication } from '../mfa/authentication-methods.ts';

export const UPSTREAM_SIGN_IN: Authentication = authenticationOf(['fed']);
