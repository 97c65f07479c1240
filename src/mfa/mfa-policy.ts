// Who must have a second factor: everyone (mfa=required), members of the roles named in
// mfa_required_roles, and whoever joined through an invitation whose metadata says mfa: "required".
import type { Config } from '../config.ts';

export type MfaPolicyConfig = Pick<Config, 'mfa' | 'mfa_required_roles'>;

export interface PolicyFacts {
  roles: readonly string[];
  /** The metadata of the invitation the account joined with; null when it joined without one. */
  inviteMetadata: Record<string, unknown> | null;
}

/** The rule alone: the same facts always give the same answer. */
export function secondFactorRequired(config: MfaPolicyConfig, facts: PolicyFacts): boolean {
  if (config.mfa === 'off') return false;
  if (config.mfa === 'required') return true;
  if (facts.roles.some((role) => config.mfa_required_roles.includes(role))) return true;
  return facts.inviteMetadata?.mfa === 'required';
}

/** Whether second factors exist at all here: with mfa=off none is offered or asked for. */
export const secondFactorsEnabled = (config: Pick<MfaPolicyConfig, 'mfa'>): boolean => config.mfa !== 'off';
