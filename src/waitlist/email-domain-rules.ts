// Which email domains may ask for an invitation, and which are approved at once: the operator's
// deny-list, the maintained list of disposable-mail domains, and the auto-approval list.
import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import type { Config } from '../config.ts';

export type DomainRulesConfig = Pick<Config, 'waitlist_blocked_domains' | 'waitlist_block_disposable' | 'waitlist_auto_approve_domains'>;

export interface DomainRules {
  /** The domain, or a domain it belongs to (mail.example.com to example.com), is refused. */
  isBlocked(domain: string): boolean;
  /** Only the exact domain: a look-alike subdomain is not the organisation that was trusted. */
  autoApproves(domain: string): boolean;
}

/** The domain and each domain above it, down to the last two labels: a.b.example.com, b.example.com, example.com. */
function selfAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

export function createDomainRules(config: DomainRulesConfig): DomainRules {
  const blocked = new Set(config.waitlist_blocked_domains);
  // Built once: the package's own check rebuilds its set of some ten thousand domains on every call.
  const disposable = config.waitlist_block_disposable ? disposableEmailBlocklistSet() : new Set<string>();
  const autoApproved = new Set(config.waitlist_auto_approve_domains);
  return {
    isBlocked(domain) {
      return selfAndParents(domain.toLowerCase()).some((candidate) => blocked.has(candidate) || disposable.has(candidate));
    },
    autoApproves(domain) {
      return autoApproved.has(domain.toLowerCase());
    },
  };
}
