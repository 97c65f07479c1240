// The waitlist's addresses, always built from the issuer: the form, and the confirmation link.
export const waitlistUrl = (issuer: string): string => `${issuer}/waitlist`;

export const confirmationUrl = (issuer: string, token: string): string => `${issuer}/waitlist/confirm/${token}`;
