import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids, FULL_APP, READONLY_APP, TENANT_ID } from './fixture-tenant.js';
import { cmdlet, postJson, startTestSandbox, type TestSandbox } from './harness.js';

const EXO = 'https://outlook.office365.com';
let sb: TestSandbox;
let token: string;
let beta: string;
let v2: (endpoint: string) => string;
let initial: ReturnType<TestSandbox['tenant']['snapshot']>;
const anchor = { 'x-anchormailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT_ID}` };

beforeAll(async () => {
  sb = await startTestSandbox();
  token = await sb.token(FULL_APP.id, FULL_APP.secret, EXO);
  beta = `${sb.baseUrl}/outlook.office365.com/adminapi/beta/${TENANT_ID}/InvokeCommand`;
  v2 = (endpoint) => `${sb.baseUrl}/outlook.office365.com/adminapi/v2.0/${TENANT_ID}/${endpoint}`;
  initial = sb.tenant.snapshot();
});
afterAll(async () => sb.close());
beforeEach(() => {
  sb.tenant.restore(initial);
  sb.behaviours.disableAll();
  sb.log.clear();
});

const invoke = (name: string, parameters?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postJson(beta, token, cmdlet(name, parameters), { ...anchor, ...headers });

interface Body {
  value: Record<string, unknown>[];
  '@adminapi.warnings': string[];
  '@odata.nextLink'?: string;
  error?: { code: string; details: { message: string }[] };
}
const body = (r: { body: unknown }) => r.body as Body;
const detail = (r: { body: unknown }) => body(r).error?.details[0]?.message ?? '';

describe('InvokeCommand permissions', () => {
  it('removes FullAccess, then reports the absent ACE as a warning without an applied write', async () => {
    const first = await invoke('Remove-MailboxPermission', {
      Identity: 'sales@contoso.com',
      User: 'lee.leaver@contoso.com',
      AccessRights: ['FullAccess'],
      InheritanceType: 'All',
      Confirm: false,
    });
    expect(first.status).toBe(200);
    expect(body(first)).toMatchObject({ value: [], '@adminapi.warnings': [] });
    const again = await invoke('Remove-MailboxPermission', {
      Identity: 'sales@contoso.com',
      User: 'lee.leaver@contoso.com',
      AccessRights: ['FullAccess'],
      Confirm: false,
    });
    expect(again.status).toBe(200);
    expect(body(again)['@adminapi.warnings']).toEqual([
      `Can't remove the access control entry on the object "sales" for account "lee.leaver@contoso.com" because the ACE doesn't exist on the object.`,
    ]);
    expect(sb.log.applied('exo.remove-mailbox-permission')).toHaveLength(1);
    const check = await invoke('Get-MailboxPermission', {
      Identity: 'sales@contoso.com',
      User: 'lee.leaver@contoso.com',
    });
    expect(body(check).value).toEqual([]);
  });

  it('adds FullAccess with AutoMapping off and warns when the entry already exists', async () => {
    const params = {
      Identity: 'lee.leaver@contoso.com',
      User: 'mia.manager@contoso.com',
      AccessRights: ['FullAccess'],
      AutoMapping: false,
    };
    const added = await invoke('Add-MailboxPermission', params);
    expect(added.status).toBe(200);
    expect(body(added).value[0]).toMatchObject({
      Identity: 'lee.leaver',
      User: 'mia.manager@contoso.com',
      AccessRights: ['FullAccess'],
      Deny: false,
    });
    expect(sb.tenant.data.mailboxRights.get(`FullAccess|${ids.leaver}|${ids.manager}`)?.autoMapping).toBe(
      false,
    );
    const again = await invoke('Add-MailboxPermission', params);
    expect(body(again)['@adminapi.warnings'][0]).toContain(
      'The appropriate access control entry is already present',
    );
  });

  it('finds SendAs grants tenant-wide by trustee and removes one, warning when it is not there', async () => {
    const found = await invoke('Get-RecipientPermission', {
      Trustee: 'lee.leaver@contoso.com',
      AccessRights: 'SendAs',
      ResultSize: 'Unlimited',
    });
    expect(body(found).value.map((v) => v['Identity'])).toEqual(['greta.german', 'sales']);
    expect(body(found).value[0]).toMatchObject({
      Trustee: 'lee.leaver@contoso.com',
      AccessControlType: 'Allow',
      IsValid: true,
    });
    const byIdentity = await invoke('Get-RecipientPermission', { Identity: 'sales@contoso.com' });
    expect(body(byIdentity).value).toHaveLength(1);
    const params = {
      Identity: 'greta.german@contoso.com',
      Trustee: 'lee.leaver@contoso.com',
      AccessRights: ['SendAs'],
      Confirm: false,
    };
    expect(body(await invoke('Remove-RecipientPermission', params))['@adminapi.warnings']).toEqual([]);
    const again = await invoke('Remove-RecipientPermission', params);
    expect(body(again)['@adminapi.warnings'][0]).toMatch(/because the ACE isn't present\.$/);
  });
});

describe('Get-Mailbox and Set-Mailbox', () => {
  const leaverDn =
    'CN=lee.leaver,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001,DC=PROD,DC=OUTLOOK,DC=COM';

  it('finds the mailboxes where a DN has SendOnBehalf through the documented filter, and $select trims', async () => {
    const r = await postJson(
      `${beta}?$select=PrimarySmtpAddress,GrantSendOnBehalfTo`,
      token,
      cmdlet('Get-Mailbox', { Filter: `GrantSendOnBehalfTo -eq '${leaverDn}'`, ResultSize: 'Unlimited' }),
      anchor,
    );
    expect(r.status).toBe(200);
    expect(body(r).value).toEqual([
      {
        PrimarySmtpAddress: 'sales@contoso.com',
        'GrantSendOnBehalfTo@odata.type': '#Collection(String)',
        GrantSendOnBehalfTo: ['lee.leaver', 'mia.manager'],
      },
    ]);
  });

  it('removes a SendOnBehalf delegate with the hashtable form and keeps the others', async () => {
    const r = await postJson(
      v2('Mailbox'),
      await sb.token(FULL_APP.id, FULL_APP.secret, EXO),
      cmdlet('Set-Mailbox', {
        Identity: 'sales@contoso.com',
        GrantSendOnBehalfTo: {
          '@odata.type': '#Exchange.GenericHashTable',
          remove: 'lee.leaver@contoso.com',
        },
      }),
      { 'x-anchormailbox': 'UPN:sales@contoso.com' },
    );
    expect(r.status).toBe(200);
    const after = await invoke('Get-Mailbox', { Identity: 'sales@contoso.com' });
    expect(body(after).value[0]?.['GrantSendOnBehalfTo']).toEqual(['mia.manager']);
    const again = await invoke('Set-Mailbox', {
      Identity: 'sales@contoso.com',
      GrantSendOnBehalfTo: { remove: ['lee.leaver@contoso.com'] },
    });
    expect(body(again)['@adminapi.warnings']).toEqual([
      "The command completed successfully but no settings of 'sales@contoso.com' have been modified.",
    ]);
    expect(sb.log.applied('exo.set-mailbox')).toHaveLength(1);
  });

  it('converts to shared, sets forwarding and hides a cloud-only mailbox from the address lists', async () => {
    const r = await invoke('Set-Mailbox', {
      Identity: 'lee.leaver@contoso.com',
      Type: 'Shared',
      ForwardingSmtpAddress: 'mia.manager@contoso.com',
      DeliverToMailboxAndForward: true,
      HiddenFromAddressListsEnabled: true,
    });
    expect(r.status).toBe(200);
    const m = body(await invoke('Get-Mailbox', { Identity: 'lee.leaver' })).value[0];
    expect(m).toMatchObject({
      RecipientTypeDetails: 'SharedMailbox',
      ForwardingSmtpAddress: 'smtp:mia.manager@contoso.com',
      DeliverToMailboxAndForward: true,
      HiddenFromAddressListsEnabled: true,
    });
    const cleared = await invoke('Set-Mailbox', {
      Identity: 'lee.leaver',
      ForwardingSmtpAddress: null,
      Type: 'Regular',
    });
    expect(cleared.status).toBe(200);
    expect(
      body(await invoke('Get-Mailbox', { Identity: 'lee.leaver' })).value[0]?.['ForwardingSmtpAddress'],
    ).toBeNull();
  });

  it('refuses to hide a dir-synced mailbox with the write-scope error and changes nothing', async () => {
    const r = await invoke('Set-Mailbox', {
      Identity: 'sam.synced@contoso.com',
      HiddenFromAddressListsEnabled: true,
      DeliverToMailboxAndForward: true,
    });
    expect(r.status).toBe(400);
    expect(detail(r)).toBe(
      `Ex0D33F5|System.InvalidOperationException|The operation on mailbox "Sam Synced" failed because it's out of the current user's write scope. The action 'Set-Mailbox', 'HiddenFromAddressListsEnabled', can't be performed on the object 'Sam Synced' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`,
    );
    expect(sb.tenant.exchange.getMailbox(ids.synced)?.deliverToMailboxAndForward).toBe(false);
  });

  it('places a licensed mailbox on litigation hold and refuses an unlicensed one', async () => {
    const ok = await invoke('Set-Mailbox', {
      Identity: 'lee.leaver@contoso.com',
      LitigationHoldEnabled: true,
      LitigationHoldDuration: '2555',
      RetentionComment: 'INC123',
    });
    expect(ok.status).toBe(200);
    expect(body(await invoke('Get-Mailbox', { Identity: 'lee.leaver' })).value[0]).toMatchObject({
      LitigationHoldEnabled: true,
      LitigationHoldDuration: '2555.00:00:00',
      RetentionComment: 'INC123',
    });
    const refused = await invoke('Set-Mailbox', {
      Identity: 'una.unlicensed@contoso.com',
      LitigationHoldEnabled: true,
    });
    expect(refused.status).toBe(400);
    expect(detail(refused)).toContain(
      "Your Microsoft Exchange Online license doesn't permit you to put a litigation hold on this mailbox.",
    );
  });

  it('pages a list by POSTing the same body to @odata.nextLink on the same host', async () => {
    const request = cmdlet('Get-Mailbox', { ResultSize: 'Unlimited' });
    const seen: string[] = [];
    let url: string | undefined = beta;
    let pages = 0;
    while (url !== undefined) {
      expect(new URL(url).host).toBe(new URL(sb.baseUrl).host);
      const page = await postJson(url, token, request, { ...anchor, prefer: 'odata.maxpagesize=3' });
      expect(page.status).toBe(200);
      seen.push(...body(page).value.map((m) => String(m['PrimarySmtpAddress'])));
      url = body(page)['@odata.nextLink'];
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(8);
    const firstLink =
      body(await postJson(beta, token, request, { ...anchor, prefer: 'odata.maxpagesize=3' }))[
        '@odata.nextLink'
      ] ?? '';
    const other = await postJson(firstLink, token, cmdlet('Get-Mailbox', { ResultSize: 5 }), anchor);
    expect(other.status).toBe(400);
  });

  it('caps the total at ResultSize', async () => {
    const r = await invoke('Get-Mailbox', { ResultSize: 2 });
    expect(body(r).value).toHaveLength(2);
    expect(body(r)['@odata.nextLink']).toBeUndefined();
  });
});

describe('calendar folders', () => {
  it('returns the localized calendar name and only accepts that name in folder identities', async () => {
    const stats = await invoke('Get-MailboxFolderStatistics', {
      Identity: 'greta.german@contoso.com',
      FolderScope: 'Calendar',
    });
    expect(body(stats).value[0]).toMatchObject({
      Name: 'Kalender',
      FolderPath: '/Kalender',
      FolderType: 'Calendar',
    });
    const wrong = await invoke('Get-MailboxFolderPermission', {
      Identity: 'greta.german@contoso.com:\\Calendar',
    });
    expect(wrong.status).toBe(404);
    expect(detail(wrong)).toContain('ManagementObjectNotFoundException');
    const right = await invoke('Get-MailboxFolderPermission', {
      Identity: 'greta.german@contoso.com:\\Kalender',
    });
    expect(body(right).value.map((e) => e['User'])).toEqual(['Default', 'Anonymous', 'Lee Leaver']);
    expect(body(right).value[2]).toMatchObject({
      FolderName: 'Kalender',
      AccessRights: ['Editor'],
      SharingPermissionFlags: 'Delegate',
    });
  });

  it('removes a calendar delegate through v2.0 and reports a second removal as UserNotFoundInPermissionEntry', async () => {
    const url = v2('MailboxFolderPermission');
    const hdr = { 'x-anchormailbox': 'UPN:greta.german@contoso.com' };
    const req = cmdlet('Remove-MailboxFolderPermission', {
      Identity: 'greta.german@contoso.com:\\Kalender',
      User: 'lee.leaver@contoso.com',
    });
    const r = await postJson(url, token, req, hdr);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body as object)).toEqual(['@odata.context', 'value']);
    const again = await postJson(url, token, req, hdr);
    expect(again.status).toBe(400);
    expect(detail(again)).toContain(
      'UserNotFoundInPermissionEntryException|There is no existing permission entry found for user: Lee Leaver.',
    );
    expect(sb.log.applied('exo.remove-folder-permission')).toHaveLength(1);
  });

  it('adds Reviewer for the manager and refuses a duplicate add', async () => {
    const req = cmdlet('Add-MailboxFolderPermission', {
      Identity: 'lee.leaver@contoso.com:\\Calendar',
      User: 'mia.manager@contoso.com',
      AccessRights: 'Reviewer',
    });
    const hdr = { 'x-anchormailbox': 'UPN:lee.leaver@contoso.com' };
    const r = await postJson(v2('MailboxFolderPermission'), token, req, hdr);
    expect(body(r).value[0]).toMatchObject({
      User: 'Mia Manager',
      AccessRights: ['Reviewer'],
      SharingPermissionFlags: null,
    });
    const dup = await postJson(v2('MailboxFolderPermission'), token, req, hdr);
    expect(detail(dup)).toContain('An existing permission entry was found for user: Mia Manager.');
  });
});

describe('parameters are data and whitelists hold', () => {
  it.each([
    'a@b.com; Remove-Mailbox x',
    "lee.leaver@contoso.com' -or '1' -eq '1",
    '$(Remove-Mailbox sales)',
    'lee.leaver@contoso.com`nRemove-Mailbox sales',
  ])('treats %s as an identity that does not resolve', async (identity) => {
    const r = await invoke('Remove-MailboxPermission', {
      Identity: identity,
      User: 'lee.leaver@contoso.com',
      AccessRights: ['FullAccess'],
      Confirm: false,
    });
    expect(r.status).toBe(404);
    expect(detail(r)).toContain(
      `ManagementObjectNotFoundException|The operation couldn't be performed because object '${identity}' couldn't be found`,
    );
    expect([...sb.tenant.data.mailboxRights.keys()]).toEqual([...initial.data.mailboxRights.keys()]);
    expect(sb.log.find({ service: 'exchange' }).map((e) => [e.status, e.operation])).toEqual([
      [404, 'exo.remove-mailbox-permission'],
    ]);
  });

  it('refuses a parameter outside the v2.0 whitelist and a cmdlet the endpoint does not serve', async () => {
    const hdr = { 'x-anchormailbox': 'UPN:lee.leaver@contoso.com' };
    const param = await postJson(
      v2('Mailbox'),
      token,
      cmdlet('Set-Mailbox', { Identity: 'lee.leaver@contoso.com', Type: 'Shared' }),
      hdr,
    );
    expect(param.status).toBe(400);
    expect(detail(param)).toContain("A parameter cannot be found that matches parameter name 'Type'.");
    const unserved = await postJson(
      v2('Mailbox'),
      token,
      cmdlet('Remove-Mailbox', { Identity: 'lee.leaver@contoso.com' }),
      hdr,
    );
    expect(detail(unserved)).toContain(
      "CommandNotFoundException|The term 'Remove-Mailbox' is not recognized",
    );
    expect(sb.tenant.exchange.getMailbox(ids.leaver)?.recipientTypeDetails).toBe('UserMailbox');
  });

  it('reports an ambiguous display name instead of picking one', async () => {
    const r = await invoke('Get-Mailbox', { Identity: 'Alex Twin' });
    expect(r.status).toBe(400);
    expect(detail(r)).toContain('ManagementObjectAmbiguousException');
  });
});

describe('gateway behaviour', () => {
  it('answers 403 without a body to a token lacking the Exchange role, on every route', async () => {
    const ro = await sb.token(READONLY_APP.id, READONLY_APP.secret, EXO);
    for (const url of [
      beta,
      v2('Mailbox'),
      v2('MailboxFolderPermission'),
      `${sb.baseUrl}/outlook.office365.com/adminapi/beta/${TENANT_ID}/$batch`,
    ]) {
      const r = await postJson(
        url,
        ro,
        cmdlet('Set-Mailbox', {
          Identity: 'sales@contoso.com',
          GrantSendOnBehalfTo: { remove: 'lee.leaver@contoso.com' },
        }),
        { 'x-anchormailbox': 'UPN:sales@contoso.com' },
      );
      expect(r.status).toBe(403);
      expect(r.body).toBeNull();
      expect(r.headers.get('x-ms-diagnostics')).toMatch(/^2000008;reason="/);
    }
    expect(sb.tenant.exchange.rightsOn(ids.shared, 'SendOnBehalf')).toHaveLength(2);
  });

  it('throttles with 429 and Retry-After in seconds through the service budget', async () => {
    sb.behaviours.configure({ throttling: { enabled: true, scale: 0.01 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i += 1) {
      const r = await invoke('Get-Mailbox', { Identity: 'sales@contoso.com' });
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers.get('retry-after');
        expect(r.body).toMatchObject({ error: { code: 'TooManyRequests' } });
      }
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('counts write cmdlets, and only them, against the destructive-cmdlet budget', async () => {
    sb.behaviours.configure({
      throttling: {
        enabled: true,
        scale: 1,
        rules: {
          exchange: [
            { name: 'CmdletLimitExceeded', limit: 1000, windowMs: 5_000, appliesTo: 'all' },
            { name: 'DestructiveCmdletLimitExceeded', limit: 1, windowMs: 60_000, appliesTo: 'writes' },
          ],
        },
      },
    });
    const write = () =>
      invoke('Set-Mailbox', {
        Identity: 'sales@contoso.com',
        GrantSendOnBehalfTo: { remove: 'lee.leaver@contoso.com' },
      });
    expect((await write()).status).toBe(200);
    expect((await write()).status).toBe(429);
    expect((await invoke('Get-Mailbox', { Identity: 'sales@contoso.com' })).status).toBe(200);
  });

  it('refuses a malformed routing hint and a v2.0 call without one', async () => {
    const bad = await invoke(
      'Get-Mailbox',
      { Identity: 'sales@contoso.com' },
      { 'x-anchormailbox': 'UPN:nonsense' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'ErrorIncorrectRoutingHint' } });
    const missing = await postJson(
      v2('Mailbox'),
      token,
      cmdlet('Get-Mailbox', { Identity: 'sales@contoso.com' }),
    );
    expect(missing.status).toBe(400);
  });

  it('fans out InvokeCommand calls through $batch', async () => {
    const item = (id: string, identity: string) => ({
      id,
      method: 'POST',
      url: `https://outlook.office365.com/adminapi/beta/${TENANT_ID}/InvokeCommand`,
      headers: { 'Content-Type': 'application/json', 'X-AnchorMailbox': `UPN:${identity}` },
      body: cmdlet('Get-MailboxPermission', { Identity: identity, User: 'lee.leaver@contoso.com' }),
    });
    const r = await postJson(
      `${sb.baseUrl}/outlook.office365.com/adminapi/beta/${TENANT_ID}/$batch`,
      token,
      { requests: [item('0', 'mia.manager@contoso.com'), item('1', 'sales@contoso.com')] },
      { prefer: 'odata.continue-on-error' },
    );
    expect(r.status).toBe(200);
    const responses = (r.body as { responses: { id: string; status: number; body: Body }[] }).responses;
    expect(responses.map((x) => [x.id, x.status, x.body.value.length])).toEqual([
      ['0', 200, 0],
      ['1', 200, 1],
    ]);
  });
});
