/** Builds the connectors from the configuration: Microsoft's endpoints, or the sandbox's. */
import type { Logger } from 'pino';
import { certificateCredentialFromPem } from '../connectors/auth/certificate-credential.js';
import { EntraAppAuth } from '../connectors/auth/entra-app-auth.js';
import { ManagedIdentityAuth } from '../connectors/auth/managed-identity-auth.js';
import { EXCHANGE_SCOPE, GRAPH_SCOPE } from '../connectors/auth/resource-scopes.js';
import type { TokenSource } from '../connectors/auth/token-provider.js';
import { ExchangeAdminClient } from '../connectors/exchange/exchange-admin-client.js';
import { ExchangeMailbox } from '../connectors/exchange/exchange-mailbox.js';
import { ExchangeMeetings } from '../connectors/exchange/exchange-meetings.js';
import { ExchangeMobileMail } from '../connectors/exchange/exchange-mobile-mail.js';
import { GraphApi } from '../connectors/graph/graph-api.js';
import { createGraphConnection } from '../connectors/graph/graph-client-factory.js';
import { createGraphIdentity, type GraphIdentity } from '../connectors/graph/graph-identity.js';
import {
  EXCHANGE_DESTRUCTIVE_BUDGET,
  GRAPH_WRITE_BUDGET,
  WritePacer,
} from '../connectors/http/write-pacer.js';
import { LdapDirectory } from '../connectors/ldap/ldap-directory.js';
import { SharePointFiles } from '../connectors/sharepoint/sharepoint-files.js';
import { systemClock } from '../core/ports/clock.js';
import type { Directory } from '../core/ports/directory.js';
import type { Files } from '../core/ports/files.js';
import type { Mailbox } from '../core/ports/mailbox.js';
import type { Meetings } from '../core/ports/meetings.js';
import type { MobileMail } from '../core/ports/mobile-mail.js';
import type { AppConfig } from './config.js';

/** The Entra ID capability ports (`users`, `accounts`, …) and the other systems' ports. */
export interface Connectors extends GraphIdentity {
  /** The pacers of the binding write budgets (absent: pacing off), for progress ETAs and benchmarks. */
  writePacers: { exchange?: WritePacer; graph?: WritePacer };
  mailbox: Mailbox;
  mobileMail: MobileMail;
  meetings: Meetings;
  files: Files;
  directory?: Directory;
}

function tokenSource(config: AppConfig, logger: Logger): TokenSource {
  const t = config.tenant;
  if (t.managedIdentityClientId && !t.clientId) {
    return new ManagedIdentityAuth({ userAssignedClientId: t.managedIdentityClientId, logger });
  }
  if (!t.clientId) throw new Error('CLIENT_ID is required for app-only access');
  const credential =
    t.certificatePem && t.privateKeyPem
      ? certificateCredentialFromPem({ certificatePem: t.certificatePem, privateKeyPem: t.privateKeyPem })
      : t.clientSecret
        ? { kind: 'secret' as const, clientSecret: t.clientSecret }
        : undefined;
  if (!credential) throw new Error('Set CLIENT_CERT_FILE + CLIENT_KEY_FILE (preferred) or CLIENT_SECRET');
  return new EntraAppAuth({
    tenantId: t.id,
    clientId: t.clientId,
    credential,
    authorityHost: config.urls.login,
    isSandbox: config.urls.sandbox !== undefined,
    logger,
  });
}

/** One pacer per binding write budget of this process (every run and preview shares it). */
function writePacers(config: AppConfig): Connectors['writePacers'] {
  const { exchangePerMinute, graphPer150Seconds } = config.writeBudgets;
  return {
    ...(exchangePerMinute > 0 && {
      exchange: new WritePacer({
        budget: { ...EXCHANGE_DESTRUCTIVE_BUDGET, limit: exchangePerMinute },
        clock: systemClock,
      }),
    }),
    ...(graphPer150Seconds > 0 && {
      graph: new WritePacer({
        budget: { ...GRAPH_WRITE_BUDGET, limit: graphPer150Seconds },
        clock: systemClock,
      }),
    }),
  };
}

export function buildConnectors(config: AppConfig, logger: Logger): Connectors {
  const isSandbox = config.urls.sandbox !== undefined;
  const tokens = tokenSource(config, logger);
  const pacers = writePacers(config);
  const graph = createGraphConnection({
    baseUrl: config.urls.graph,
    isSandbox,
    tokenProvider: tokens.tokenProvider(GRAPH_SCOPE),
    logger,
    ...(pacers.graph && { writePacer: pacers.graph }),
  });
  const exchange = new ExchangeAdminClient({
    baseUrl: config.urls.exchange,
    isSandbox,
    tenantId: config.tenant.id,
    tokenProvider: tokens.tokenProvider(EXCHANGE_SCOPE),
    logger,
    ...(pacers.exchange && { writePacer: pacers.exchange }),
  });
  const ad = config.ad;
  return {
    writePacers: pacers,
    ...createGraphIdentity({ connection: graph, logger }),
    mailbox: new ExchangeMailbox({ client: exchange, logger }),
    mobileMail: new ExchangeMobileMail(exchange),
    meetings: new ExchangeMeetings(new GraphApi(graph), exchange, logger),
    files: new SharePointFiles({
      graph,
      tokenSource: tokens,
      adminUrl: config.urls.sharePointAdmin,
      ...(config.urls.sandbox && { sandboxBaseUrl: config.urls.sandbox }),
      logger,
    }),
    ...(ad && {
      directory: new LdapDirectory({
        url: ad.url,
        bindDn: ad.bindDn,
        bindPassword: ad.bindPassword,
        baseDn: ad.baseDn,
        ...(ad.disabledOuDn && { disabledOuDn: ad.disabledOuDn }),
        ...(ad.caPem && { tlsCa: ad.caPem }),
        ...(ad.tlsServerName && { tlsServerName: ad.tlsServerName }),
        logger,
      }),
    }),
  };
}
