import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { MailMessage, Messaging } from '../../core/ports/messaging.js';
import type { GraphApi } from './graph-api.js';
import { GRAPH_PUBLIC_BASE_URL, GRAPH_VERSION } from './graph-client-factory.js';
import { graphStatusOf } from './graph-errors.js';
import { installedAppSchema, teamsAppSchema } from './graph-schemas.js';
import { assertObjectId, buildQueryString, eqFilter, userKeySegment } from './odata-query.js';

/** A mail address (a `'` is allowed, as in `o'brien@…`): the length first, then a linear pattern. */
const isMailAddress = (value: string): boolean =>
  value.length <= 320 && /^[^\s@<>",;]+@[^\s@<>",;.]+(?:\.[^\s@<>",;.]+)+$/.test(value);

/** Mail sending and the Teams app install for a user. */
export class GraphMessaging implements Messaging {
  constructor(private readonly api: GraphApi) {}

  /** Mail.Send. Not idempotent: retried only on 429, when the service did not accept it. */
  async sendMail(fromUserId: string, message: MailMessage): Promise<void> {
    if (message.to.length === 0) throw new InvalidInputError('A mail needs at least one recipient');
    for (const address of message.to)
      if (!isMailAddress(address))
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
