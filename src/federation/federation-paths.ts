// The paths of the upstream sign-in: what is registered at the upstream, and where each step lives.

/** The redirect URI to register at the upstream provider, built from the issuer, never from Host. */
export const federationCallbackUrl = (issuer: string, providerId: string): string => `${issuer}/federation/${providerId}/callback`;

export const federationCallbackPath = (providerId: string): string => `/federation/${providerId}/callback`;

/** Where a hosted sign-in or sign-up page's "Continue with" button posts. */
export const federationStartPath = (uid: string, providerId: string): string => `/interaction/${uid}/federation/${providerId}`;

/** Where the callback hands a finished upstream sign-in back to the interaction. */
export const federationDonePath = (uid: string): string => `/interaction/${uid}/federation`;
