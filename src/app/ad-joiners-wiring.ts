/**
 * Builds the joiners trigger from an AD group for the composition root: the member reader over the
 * same LDAPS connection settings as the directory, the provisioning batch and the report sender.
 */
import type { Logger } from 'pino';
import { LdapGroupMembers } from '../connectors/ldap/ldap-group-members.js';
import type { Policy } from '../core/policy/policy.js';
import type { Ports } from '../core/ports/index.js';
import type { Store } from '../core/ports/store.js';
import {
  AdGroupJoiners,
  adGroupJoinersJobName,
  type AdGroupJoinersSettings,
} from '../core/provision/ad-group-joiners.js';
import type { AppConfig } from './config.js';
import type { ProvisioningServices } from './provisioning-wiring.js';

export interface AdJoinersDeps {
  ports: Ports;
  store: Store;
  policy: Policy;
  provisioning: ProvisioningServices;
  tenantId: string;
  logger: Logger;
}

export function buildAdGroupJoiners(
  settings: AdGroupJoinersSettings,
  ad: NonNullable<AppConfig['ad']>,
  deps: AdJoinersDeps,
): AdGroupJoiners {
  const directory = deps.ports.directory;
  if (!directory) throw new Error('JOINERS_AD_GROUP_DN needs the AD connection (AD_URL …)');
  const logger = deps.logger.child({ component: adGroupJoinersJobName });
  const members = new LdapGroupMembers({
    url: ad.url,
    bindDn: ad.bindDn,
    bindPassword: ad.bindPassword,
    baseDn: ad.baseDn,
    ...(ad.caPem && { tlsCa: ad.caPem }),
    ...(ad.tlsServerName && { tlsServerName: ad.tlsServerName }),
    logger,
  });
  return new AdGroupJoiners(settings, {
    members,
    directory,
    users: deps.ports.users,
    policy: deps.policy,
    batch: deps.provisioning.batch,
    mapping: deps.provisioning.mapping,
    store: deps.store,
    clock: deps.ports.clock,
    requester: {
      aadObjectId: adGroupJoinersJobName,
      tenantId: deps.tenantId,
      displayName: 'AD group joiners',
    },
    onReport: async (report) => {
      await deps.provisioning.reports.send(report);
    },
    log: logger,
  });
}
