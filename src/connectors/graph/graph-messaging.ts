import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { AutomaticReplies, MailMessage } from '../../core/ports/identity.js';
import type { GraphApi } from './graph-api.js';
import { GRAPH_PUBLIC_BASE_URL, GRAPH_VERSION } from './graph-client-factory.js';
import { graphStatusOf } from './graph-errors.js';
import { automaticRepliesSchema, installedAppSchema, teamsAppSchema } from './graph-schemas.js';
import { assertObjectId, buildQueryString, eqFilter, userKeySegment } from './odata-query.js';

const STATUSES = ['disabled', 'alwaysEnabled', 'scheduled'] as const;
const AUDIENCES = ['none', 'contactsOnly', 'all'] as const;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** Graph answers `Scheduled` or `scheduled` depending on version; the port uses camelCase. */
function normalise<T extends string>(value: string | null | undefined, allowed: readonly T[]): T | undefined {
  if (value === null || value === undefined) return undefined;
  return allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
}

function utc(dateTime: string | undefined): { dateTime: string; timeZone: string } | undefined {
  if (dateTime === undefined) return undefined;
  const ms = Date.parse(dateTime);
  if (Number.isNaN(ms)) throw new InvalidInputError(`Not a date-time: ${JSON.stringify(dateTime)}`);
  return { dateTime: new Date(ms).toISOString().replace('Z', ''), timeZone: 'UTC' };
}

/** Mailbox settings (automatic replies), mail sending and the Teams app install for a user. */
export class GraphMessaging {
  constructor(private readonly api: GraphApi) {}

  async getAutomaticReplies(userId: string): Promise<AutomaticReplies> {
    const setting = await this.api.get(
      `/users${userKeySegment(userId)}/mailboxSettings/automaticRepliesSetting`,
      automaticRepliesSchema,
      {
        what: `Read automatic replies of ${userId}`,
      },
    );
    const status = normalise(setting.status, STATUSES);
    if (status === undefined)
      throw new InvalidInputError(`Unknown automatic replies status ${setting.status}`);
    return {
      status,
      externalAudience: normalise(setting.externalAudience, AUDIENCES),
      internalReplyMessage: setting.internalReplyMessage ?? undefined,
      externalReplyMessage: setting.externalReplyMessage ?? undefined,
      scheduledStartDateTime: toIso(setting.scheduledStartDateTime),
      scheduledEndDateTime: toIso(setting.scheduledEndDateTime),
    };
  }

  /** PATCH mailboxSettings (MailboxSettings.ReadWrite). Same body → same state. */
  async setAutomaticReplies(userId: string, replies: AutomaticReplies): Promise<void> {
    if (
      replies.status === 'scheduled' &&
      (replies.scheduledStartDateTime === undefined || replies.scheduledEndDateTime === undefined)
    ) {
      throw new InvalidInputError('Scheduled automatic replies need a start and an end');
    }
    await this.api.patch(
      `/users${userKeySegment(userId)}/mailboxSettings`,
      {
        automaticRepliesSetting: {
          status: replies.status,
          externalAudience: replies.externalAudience,
          internalReplyMessage: replies.internalReplyMessage,
          externalReplyMessage: replies.externalReplyMessage,
          scheduledStartDateTime: utc(replies.scheduledStartDateTime),
          scheduledEndDateTime: utc(replies.scheduledEndDateTime),
        },
      },
      { what: `Set automatic replies of ${userId}` },
    );
  }

  /** Mail.Send. Not idempotent: retried only on 429, when the service did not accept it. */
  async sendMail(fromUserId: string, message: MailMessage): Promise<void> {
    if (message.to.length === 0) throw new InvalidInputError('A mail needs at least one recipient');
    for (const address of message.to)
      if (!ADDRESS.test(address))
        throw new InvalidInputError(`Not a mail address: ${JSON.stringify(address)}`);
    await this.api.postNoContent(
      `/users${userKeySegment(fromUserId)}/sendMail`,
      {
        message: {
          subject: message.subject,
          body: { contentType: 'HTML', content: message.html },
          toRecipients: message.to.map((address) => ({ emailAddress: { address } })),
        },
        saveToSentItems: false,
      },
      { what: 'Send mail', isRetryOnlyThrottled: true },
    );
  }

  /**
   * Installs the org-catalog app (found by its manifest id) for the user. False when it was already
   * installed (found on read, or 409 from the install).
   */
  async installTeamsApp(userId: string, manifestAppId: string): Promise<boolean> {
    const user = assertObjectId(userId, 'user id');
    const catalog = await this.api.list(
      `/appCatalogs/teamsApps${buildQueryString({ $filter: eqFilter('externalId', manifestAppId) })}`,
      teamsAppSchema,
      { what: 'Find Teams app in the catalog', maxItems: 5 },
    );
    const app = catalog[0];
    if (app === undefined)
      throw new NotFoundError(`Teams app ${manifestAppId} is not in the organisation's app catalog`);
    const installed = await this.api.list(
      `/users/${user}/teamwork/installedApps${buildQueryString({ $expand: 'teamsApp', $filter: eqFilter('teamsApp/id', app.id) })}`,
      installedAppSchema,
      { what: `List Teams apps of ${user}` },
    );
    if (installed.some((entry) => entry.teamsApp?.id === app.id)) return false;
    try {
      await this.api.postNoContent(
        `/users/${user}/teamwork/installedApps`,
        {
          'teamsApp@odata.bind': `${GRAPH_PUBLIC_BASE_URL}/${GRAPH_VERSION}/appCatalogs/teamsApps/${encodeURIComponent(app.id)}`,
        },
        { what: `Install Teams app for ${user}` },
      );
      return true;
    } catch (error) {
      if (graphStatusOf(error) === 409) return false;
      throw error;
    }
  }
}

function toIso(value: { dateTime: string; timeZone?: string | null } | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const zone = value.timeZone ?? 'UTC';
  const text =
    /Z$|[+-]\d\d:\d\d$/.test(value.dateTime) || zone !== 'UTC' ? value.dateTime : `${value.dateTime}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? value.dateTime : new Date(ms).toISOString();
}
