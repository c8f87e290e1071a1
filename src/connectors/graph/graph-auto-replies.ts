import { InvalidInputError } from '../../core/errors.js';
import type { AutomaticReplies, AutoReplies } from '../../core/ports/auto-replies.js';
import type { GraphApi } from './graph-api.js';
import { automaticRepliesSchema } from './graph-schemas.js';
import { userKeySegment } from './odata-query.js';

const STATUSES = ['disabled', 'alwaysEnabled', 'scheduled'] as const;
const AUDIENCES = ['none', 'contactsOnly', 'all'] as const;

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

/** Automatic replies through the user's mailbox settings (`/users/{id}/mailboxSettings`). */
export class GraphAutoReplies implements AutoReplies {
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
}

function toIso(value: { dateTime: string; timeZone?: string | null } | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const zone = value.timeZone ?? 'UTC';
  const text =
    /Z$|[+-]\d\d:\d\d$/.test(value.dateTime) || zone !== 'UTC' ? value.dateTime : `${value.dateTime}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? value.dateTime : new Date(ms).toISOString();
}
