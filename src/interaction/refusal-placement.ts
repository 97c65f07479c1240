// Where a refusal shows on a hosted form: beside the field it concerns, or above the form.
import type { AppError, ErrorCode } from '../errors.ts';

/** Refusals that always concern one field, whichever form they come back to. */
const FIELD_OF_CODE: Partial<Record<ErrorCode, string>> = {
  invalid_invite: 'invite_token',
  invite_required: 'invite_token',
  email_mismatch: 'email',
  email_domain_blocked: 'email',
  invalid_code: 'code',
  code_expired: 'code',
};

export interface PlacedRefusal {
  status: number;
  /** The form field it belongs beside; null: above the form. */
  field: string | null;
  message: string;
}

/** A code's own field, else the field an invalid_request names in its details, else none. */
export function placeRefusal(error: AppError): PlacedRefusal {
  const details = error.code === 'invalid_request' ? ((error.details ?? []) as Array<{ path?: unknown }>) : [];
  const named = details.find((detail) => typeof detail.path === 'string')?.path as string | undefined;
  return { status: error.status, field: FIELD_OF_CODE[error.code] ?? named ?? null, message: error.message };
}
