/**
 * Starts the sandbox in-process and wires the real connectors to it exactly as sandbox mode does in
 * production wiring: msal-node with the seeded certificate against the sandbox token endpoint, the
 * Graph SDK client, the Exchange admin client and the SharePoint files connector. Every log line the
 * connectors write is captured for the log-scan tests.
 */
import pino, { type Logger } from 'pino';
import { certificateCredentialFromPem } from '../../src/connectors/auth/certificate-credential.js';
import { EntraAppAuth } from '../../src/connectors/auth/entra-app-auth.js';
import { EXCHANGE_SCOPE, GRAPH_SCOPE } from '../../src/connectors/auth/resource-scopes.js';
import { ExchangeAdminClient } from '../../src/connectors/exchange/exchange-admin-client.js';
import { ExchangeMailbox } from '../../src/connectors/exchange/exchange-mailbox.js';
import { ExchangeMeetings } from '../../src/connectors/exchange/exchange-meetings.js';
import { ExchangeMobileMail } from '../../src/connectors/exchange/exchange-mobile-mail.js';
import { GraphApi } from '../../src/connectors/graph/graph-api.js';
import {
  createGraphConnection,
  type GraphConnection,
} from '../../src/connectors/graph/graph-client-factory.js';
import { createGraphIdentity, type GraphIdentity } from '../../src/connectors/graph/graph-identity.js';
import { SharePointFiles } from '../../src/connectors/sharepoint/sharepoint-files.js';
import { startSandbox, type BehaviourOverrides, type Sandbox } from '../../src/sandbox/index.js';

/** The Entra ID capability ports (`users`, `accounts`, …) on Graph, and the other connectors. */
export interface ConnectorHarness extends GraphIdentity {
  sandbox: Sandbox;
  logger: Logger;
  /** Every line the connectors logged (JSON). */
  logLines: string[];
  auth: EntraAppAuth;
  graph: GraphConnection;
  exchange: ExchangeAdminClient;
  mailbox: ExchangeMailbox;
  mobileMail: ExchangeMobileMail;
  meetings: ExchangeMeetings;
  files: SharePointFiles;
  /** Values that must never appear in a log line. */
  secrets: () => string[];
  close(): Promise<void>;
}

export async function startConnectorHarness(
  options: { behaviours?: BehaviourOverrides; v2Mode?: 'auto' | 'never' } = {},
): Promise<ConnectorHarness> {
  const sandbox = await startSandbox({ port: 0, behaviours: options.behaviours ?? 'off' });
  const logLines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  const credentials = sandbox.credentials;
  const auth = new EntraAppAuth({
    tenantId: credentials.tenantId,
    clientId: credentials.clientId,
    credential: certificateCredentialFromPem({
      certificatePem: credentials.certificatePem,
      privateKeyPem: credentials.privateKeyPem,
    }),
    authorityHost: sandbox.urls.authorityHost,
    isSandbox: true,
    logger,
  });
  const graph = createGraphConnection({
    baseUrl: `${sandbox.baseUrl}/graph.microsoft.com`,
    isSandbox: true,
    tokenProvider: auth.tokenProvider(GRAPH_SCOPE),
    logger,
  });
  const exchange = new ExchangeAdminClient({
    baseUrl: sandbox.urls.exchange,
    isSandbox: true,
    tenantId: credentials.tenantId,
    tokenProvider: auth.tokenProvider(EXCHANGE_SCOPE),
    logger,
    v2Mode: options.v2Mode ?? 'auto',
  });
  const files = new SharePointFiles({
    graph,
    tokenSource: auth,
    adminUrl: 'https://contoso-admin.sharepoint.com',
    sandboxBaseUrl: sandbox.baseUrl,
    logger,
  });
  const issuedTokens: string[] = [];
  for (const scope of [GRAPH_SCOPE, EXCHANGE_SCOPE, 'https://contoso-admin.sharepoint.com/.default']) {
    issuedTokens.push(await auth.tokenProvider(scope).getToken());
  }
  return {
    sandbox,
    logger,
    logLines,
    auth,
    graph,
    ...createGraphIdentity({ connection: graph, logger }),
    exchange,
    mailbox: new ExchangeMailbox({ client: exchange, logger }),
    mobileMail: new ExchangeMobileMail(exchange),
    meetings: new ExchangeMeetings(new GraphApi(graph), exchange, logger),
    files,
    secrets: () => [
      credentials.clientSecret,
      credentials.readOnlyClientSecret,
      ...pemBodyLines(credentials.privateKeyPem),
      ...issuedTokens,
      ...issuedTokens.map((token) => token.split('.')[2] ?? token),
    ],
    close: () => sandbox.close(),
  };
}

/** Base64 lines of a PEM body long enough to be meaningful fragments of the key. */
function pemBodyLines(pem: string): string[] {
  return pem
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= 40 && !line.startsWith('-----'));
}

/** JWTs (access tokens, client assertions) have this shape; none may be logged. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** Fails with the offending line when a secret, a JWT or a password field appears in the log. */
export function findLeaks(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter(
    (line) =>
      JWT_PATTERN.test(line) ||
      /"(password|newPassword|client_secret|client_assertion|access_token|authorization)"\s*:/i.test(line) ||
      /Bearer\s+[A-Za-z0-9._-]{20,}/.test(line) ||
      secrets.some((secret) => secret.length >= 8 && line.includes(secret)),
  );
}

/** The value of a promise, or the error it rejected with. */
export async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  try {
    return await promise;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
