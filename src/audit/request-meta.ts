// Who is asking: the address, user agent and request id that every audit event carries.

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** Where an operator acted from (the admin console, the command line); kept as `data.via`. */
  via?: 'console' | 'cli';
}

export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, requestId: null };
