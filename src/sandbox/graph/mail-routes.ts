/** Mailbox settings (automatic replies) and sendMail. */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { AutomaticRepliesSetting, MailboxRecord } from '../state/exchange-types.js';
import { fail, ok } from './errors.js';
import { requireMailbox, requireUser } from './lookup.js';

const meta = 'https://graph.microsoft.com/v1.0/$metadata';

function settingsJson(m: MailboxRecord): Record<string, unknown> {
  return {
    archiveFolder: Buffer.from(`archive:${m.userId}`).toString('base64url'),
    automaticRepliesSetting: { ...m.automaticReplies },
    timeZone: m.timeZone,
    language: { ...m.language },
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: m.timeZone },
    },
    dateFormat: 'MM/dd/yyyy',
    timeFormat: 'hh:mm tt',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    userPurpose: m.recipientTypeDetails === 'SharedMailbox' ? 'shared' : 'user',
  };
}

function getSettings(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const m = requireMailbox(rc, user);
  const sub = rc.request.params['setting'];
  const all = settingsJson(m);
  if (sub !== undefined) {
    if (!(sub in all))
      return fail(rc.request, 400, 'BadRequest', `Resource not found for the segment '${sub}'.`);
    const value = all[sub];
    return ok({
      '@odata.context': `${meta}#users('${user.id}')/mailboxSettings/${sub}`,
      ...(typeof value === 'object' && value !== null ? value : { value }),
    });
  }
  return ok({ '@odata.context': `${meta}#users('${user.id}')/mailboxSettings`, ...all });
}

/** A Graph enum member, matched case-insensitively; anything else is refused as Graph refuses it. */
function enumValue<T extends string>(
  rc: RouteContext,
  raw: unknown,
  members: readonly T[],
  typeName: string,
): T {
  const key = typeof raw === 'string' ? raw.toLowerCase() : '';
  const member = members.find((m) => m.toLowerCase() === key);
  if (member === undefined) {
    return fail(
      rc.request,
      400,
      'RequestBodyRead',
      `Cannot convert the literal '${JSON.stringify(raw)}' to the expected type 'microsoft.graph.${typeName}'.`,
    );
  }
  return member;
}

function parseReplies(
  rc: RouteContext,
  current: AutomaticRepliesSetting,
  raw: unknown,
): AutomaticRepliesSetting {
  if (typeof raw !== 'object' || raw === null)
    return fail(rc.request, 400, 'RequestBodyRead', 'Invalid automaticRepliesSetting.');
  const o = raw as Record<string, unknown>;
  const next = structuredClone(current);
  const status = o['status'];
  if (status !== undefined)
    next.status = enumValue(rc, status, ['disabled', 'alwaysEnabled', 'scheduled'], 'automaticRepliesStatus');
  const audience = o['externalAudience'];
  if (audience !== undefined)
    next.externalAudience = enumValue(rc, audience, ['none', 'contactsOnly', 'all'], 'externalAudienceScope');
  for (const k of ['internalReplyMessage', 'externalReplyMessage'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') return fail(rc.request, 400, 'RequestBodyRead', `Invalid value for '${k}'.`);
    next[k] = v;
  }
  for (const k of ['scheduledStartDateTime', 'scheduledEndDateTime'] as const) {
    const v = o[k] as Record<string, unknown> | undefined;
    if (v === undefined) continue;
    if (
      typeof v['dateTime'] !== 'string' ||
      Number.isNaN(Date.parse(v['dateTime'])) ||
      typeof v['timeZone'] !== 'string'
    ) {
      return fail(rc.request, 400, 'ErrorInvalidTimeSettings', `Invalid value for '${k}'.`);
    }
    next[k] = { dateTime: v['dateTime'], timeZone: v['timeZone'] };
  }
  if (
    next.status === 'scheduled' &&
    Date.parse(next.scheduledEndDateTime.dateTime) <= Date.parse(next.scheduledStartDateTime.dateTime)
  ) {
    return fail(
      rc.request,
      400,
      'ErrorInvalidTimeSettings',
      'The end time of the scheduled automatic replies must be after the start time.',
    );
  }
  return next;
}

function patchSettings(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const m = requireMailbox(rc, user);
  const body = rc.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail(rc.request, 400, 'RequestBodyRead', 'Empty Payload. JSON content expected.');
  const patch: Partial<MailboxRecord> = {};
  const echoed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k.startsWith('@odata.')) continue;
    if (k === 'automaticRepliesSetting') {
      patch.automaticReplies = parseReplies(rc, m.automaticReplies, v);
      echoed[k] = patch.automaticReplies;
    } else if (k === 'timeZone' && typeof v === 'string') {
      patch.timeZone = v;
      echoed[k] = v;
    } else {
      return fail(
        rc.request,
        400,
        'RequestBodyRead',
        `The property '${k}' does not exist on type 'microsoft.graph.mailboxSettings' or can't be updated by the sandbox.`,
      );
    }
  }
  rc.setOperation(patch.automaticReplies ? 'mailbox.set-auto-reply' : 'mailbox.update-settings');
  rc.tenant.exchange.updateMailbox(m.userId, patch);
  return ok({ '@odata.context': `${meta}#users('${user.id}')/mailboxSettings`, ...echoed });
}

function sendMail(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  requireMailbox(rc, user);
  const req = rc.request;
  let message: unknown;
  let saveToSentItems = true;
  if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('text/plain')) {
    const text = req.rawBody.trim();
    if (
      text.length === 0 ||
      !/^[A-Za-z0-9+/\r\n]+={0,2}$/.test(text) ||
      text.replace(/\s/g, '').length % 4 !== 0
    ) {
      return fail(req, 400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    }
    message = { mime: Buffer.from(text, 'base64').toString('utf8') };
  } else {
    const body = req.body as Record<string, unknown> | undefined;
    const m = body?.['message'] as Record<string, unknown> | undefined;
    const to = m?.['toRecipients'];
    if (!m || !Array.isArray(to) || to.length === 0)
      return fail(req, 400, 'ErrorInvalidRecipients', "At least one recipient isn't valid.");
    message = m;
    saveToSentItems = body?.['saveToSentItems'] !== false && body?.['saveToSentItems'] !== 'false';
  }
  rc.tenant.teams.recordMail({
    senderUserId: user.id,
    message,
    saveToSentItems,
    sentDateTime: rc.tenant.nowIso(),
    appId: req.caller?.appId ?? '',
  });
  return { status: 202 };
}

const settingsRead = ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'];
export const mailRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/v1.0/users/:id/mailboxSettings', permissions: settingsRead, handler: getSettings },
  {
    method: 'GET',
    path: '/v1.0/users/:id/mailboxSettings/:setting',
    permissions: settingsRead,
    handler: getSettings,
  },
  {
    method: 'PATCH',
    path: '/v1.0/users/:id/mailboxSettings',
    permissions: ['MailboxSettings.ReadWrite'],
    operation: 'mailbox.update-settings',
    handler: patchSettings,
  },
  {
    method: 'POST',
    path: '/v1.0/users/:id/sendMail',
    permissions: ['Mail.Send'],
    operation: 'mail.send',
    handler: sendMail,
  },
];
