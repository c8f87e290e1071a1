/**
 * The baseline of `bench/offboard-vs-seed.bench.ts`: what an admin's offboarding script does (the
 * steps of the seed article: block, sessions, password, the manager's FullAccess, shared mailbox,
 * OneDrive admin, licences, groups; certificate-based app-only auth, as the article sets it up and as
 * SharePoint requires), written the way such scripts are: its own code, plain `fetch`
 * over HTTP, one leaver after another and one call at a time, fresh tokens for every leaver, no plan,
 * no read-back, no journal. It honours Retry-After on 429 (as `requests` with a retry adapter would),
 * so it finishes its work under throttling; errors of one call are counted and the leaver goes on, as
 * the seed's global exception handler does.
 *
 *   tsx bench/seed-style-offboard.ts --csv leavers.csv --sandbox <base url> --tenant <id>
 *        --client-id <id> --cert-file cert.pem --key-file key.pem
 *
 * Prints one JSON line: leavers, wall time, calls, 429s, errors.
 */
import { X509Certificate, createHash, createSign, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    csv: { type: 'string' },
    sandbox: { type: 'string' },
    tenant: { type: 'string' },
    'client-id': { type: 'string' },
    'cert-file': { type: 'string' },
    'key-file': { type: 'string' },
    'spo-tenant': { type: 'string', default: 'contoso' },
  },
});
const base = String(values.sandbox);
const tenant = String(values.tenant);
const graphUrl = `${base}/graph.microsoft.com/v1.0`;
const exchangeUrl = `${base}/outlook.office365.com/adminapi/beta/${tenant}/InvokeCommand`;
const spoAdminHost = `${values['spo-tenant']}-admin.sharepoint.com`;
const spoAdminUrl = `${base}/${spoAdminHost}`;
const tokenUrl = `${base}/login.microsoftonline.com/${tenant}/oauth2/v2.0/token`;

const counters = { calls: 0, throttled: 0, errors: 0 };
const errorsByStep: Record<string, number> = {};
/** The first error message of each step, for the report. */
const firstErrors: Record<string, string> = {};

async function call(url: string, init: RequestInit): Promise<Response> {
  for (;;) {
    counters.calls += 1;
    const response = await fetch(url, init);
    if (response.status !== 429) return response;
    counters.throttled += 1;
    await response.arrayBuffer();
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
  }
}

const certificatePem = await readFile(String(values['cert-file']), 'utf8');
const privateKeyPem = await readFile(String(values['key-file']), 'utf8');
const x5t = createHash('sha1').update(new X509Certificate(certificatePem).raw).digest('base64url');

/** A client assertion (RS256, `x5t`), as msal signs it for certificate credentials. */
function clientAssertion(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const clientId = String(values['client-id']);
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT', x5t })}.${b64({
    aud: tokenUrl,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem).toString('base64url');
  return `${unsigned}.${signature}`;
}

async function token(scope: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: String(values['client-id']),
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion(),
    scope,
  });
  const response = await call(tokenUrl, { method: 'POST', body });
  if (!response.ok) throw new Error(`token ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text.slice(0, 200)}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

async function step(name: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    counters.errors += 1;
    errorsByStep[name] = (errorsByStep[name] ?? 0) + 1;
    firstErrors[name] ??= error instanceof Error ? error.message.slice(0, 200) : String(error);
  }
}

async function offboard(upn: string, manager: string): Promise<void> {
  const graphToken = await token('https://graph.microsoft.com/.default');
  const exoToken = await token('https://outlook.office365.com/.default');
  const spoToken = await token(`https://${spoAdminHost}/.default`);
  const graph = (path: string, method = 'GET', body?: unknown) =>
    call(`${graphUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${graphToken}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const exo = (cmdlet: string, parameters: Record<string, unknown>) =>
    call(exchangeUrl, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${exoToken}`,
        'Content-Type': 'application/json',
        'X-AnchorMailbox': `UPN:${upn}`,
      },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
    });

  const user = await json(await graph(`/users/${encodeURIComponent(upn)}?$select=id`));
  const id = String(user['id']);
  await step('block', async () => json(await graph(`/users/${id}`, 'PATCH', { accountEnabled: false })));
  await step('sessions', async () => json(await graph(`/users/${id}/revokeSignInSessions`, 'POST', {})));
  await step('password', async () =>
    json(
      await graph(`/users/${id}`, 'PATCH', {
        passwordProfile: {
          password: `${randomBytes(18).toString('base64url')}!a1`,
          forceChangePasswordNextSignIn: true,
        },
      }),
    ),
  );
  await step('manager-full-access', async () =>
    json(
      await exo('Add-MailboxPermission', {
        Identity: upn,
        User: manager,
        AccessRights: ['FullAccess'],
        InheritanceType: 'All',
      }),
    ),
  );
  await step('shared-mailbox', async () => json(await exo('Set-Mailbox', { Identity: upn, Type: 'Shared' })));
  await step('onedrive-admin', async () => {
    const drive = await json(await graph(`/users/${id}/drive`));
    const siteUrl = String(drive['webUrl']).replace(/\/Documents$/, '');
    return json(
      await call(`${spoAdminUrl}/_api/SPO.Tenant/SetSiteAdmin`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${spoToken}`,
          'Content-Type': 'application/json',
          Accept: 'application/json;odata=nometadata',
        },
        body: JSON.stringify({ siteUrl, loginName: manager, isSiteAdmin: true }),
      }),
    );
  });
  await step('licences', async () => {
    const details = await json(await graph(`/users/${id}/licenseDetails`));
    const skus = ((details['value'] as { skuId: string }[] | undefined) ?? []).map((d) => d.skuId);
    if (skus.length === 0) return undefined;
    return json(await graph(`/users/${id}/assignLicense`, 'POST', { addLicenses: [], removeLicenses: skus }));
  });
  const groups = await json(await graph(`/users/${id}/memberOf/microsoft.graph.group?$select=id`));
  for (const group of (groups['value'] as { id: string }[] | undefined) ?? []) {
    await step('groups', async () => json(await graph(`/groups/${group.id}/members/${id}/$ref`, 'DELETE')));
  }
}

const lines = (await readFile(String(values.csv), 'utf8')).split(/\r?\n/).slice(1);
const leavers = lines
  .map((l) => l.split(/[;,]/).map((c) => c.trim()))
  .filter((c) => c[0] !== undefined && c[0] !== '');
const started = performance.now();
let done = 0;
let failed = 0;
for (const [upn, manager] of leavers) {
  try {
    await offboard(String(upn), String(manager));
    done += 1;
  } catch {
    failed += 1;
  }
}
process.stdout.write(
  `${JSON.stringify({ leavers: leavers.length, done, failed, wallMs: Math.round(performance.now() - started), ...counters, errorsByStep, firstErrors })}\n`,
);
