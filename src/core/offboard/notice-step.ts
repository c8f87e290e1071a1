/** The delegate's notice: what they got, links, until when, who asked. Runs after the grants. */
import { UnavailableError } from '../errors.js';
import type { DelegateNotice, NoticeResult } from '../ports/notifier.js';
import { fail, ok, type Step } from '../step.js';
import type { OffboardInput } from './offboard-input.js';
import { listOrganizedMeetings } from './meeting-steps.js';
import { oneDriveDeletedOn } from './onedrive-retention.js';

export const notifyDelegate: Step<OffboardInput> = {
  id: 'notify.delegate',
  system: 'teams',
  title: 'Tell the delegate what they received',
  async plan(ctx) {
    const { delegate, leaver, options } = ctx.input;
    if (!delegate) return [];
    const drive = options.shareOneDrive ? await ctx.ports.files.getOneDrive(leaver.id) : null;
    const mailbox = await ctx.ports.mailbox.getMailbox(leaver.mail ?? leaver.userPrincipalName);
    const deleteOn = ctx.input.deleteOn;
    // The OneDrive outlives the account by the tenant's retention: the notice gives its own end date.
    const oneDriveUntil =
      drive && deleteOn !== undefined
        ? oneDriveDeletedOn(deleteOn, await ctx.ports.files.getDeletedOneDriveRetentionDays())
        : undefined;
    // Meetings that are not cancelled are the delegate's to hand over or cancel.
    const meetings =
      options.organizedMeetings === 'list' ? await listOrganizedMeetings(ctx.input, ctx.ports) : [];
    const notice: DelegateNotice = {
      requestId: ctx.input.requestId,
      delegate,
      leaver: { userPrincipalName: leaver.userPrincipalName, displayName: leaver.displayName },
      requestedBy: ctx.input.requestedBy,
      ...(mailbox && {
        mailbox: {
          address: mailbox.primarySmtpAddress,
          hasFullAccess: options.grantMailboxAccess,
          isShared: options.convertToShared || mailbox.recipientTypeDetails === 'SharedMailbox',
        },
      }),
      ...(drive && {
        oneDrive: { webUrl: drive.webUrl, ...(oneDriveUntil !== undefined && { until: oneDriveUntil }) },
      }),
      ...(options.forwardTo && { forwardingTo: options.forwardTo }),
      ...(meetings.length > 0 && {
        meetings: meetings.map(({ subject, start, attendeeCount, isRecurring }) => ({
          subject,
          start,
          attendeeCount,
          isRecurring,
        })),
      }),
      ...(ctx.input.deleteOn && { until: ctx.input.deleteOn }),
    };
    return [
      {
        key: `notice:${delegate.userPrincipalName.toLowerCase()}`,
        description: `Send a handover notice to ${delegate.displayName}`,
        data: { notice: notice },
      },
    ];
  },
  async apply(change, ctx): Promise<NoticeResult> {
    const notice = change.data['notice'] as DelegateNotice;
    const result = await ctx.ports.notifier.notifyDelegate(notice);
    // Nothing was sent, so another attempt can't send the notice twice. A Teams failure is often
    // transient (Bot Connector or Graph 5xx, throttling); a lasting one fails after the retries.
    if (result.channel === 'none') {
      const { displayName, userPrincipalName } = notice.delegate;
      throw new UnavailableError(
        `Couldn't deliver the handover notice to ${displayName} (${userPrincipalName}): ` +
          (result.detail ?? 'no channel is available'),
      );
    }
    return result;
  },
  verify: (changes) => Promise.resolve(changes.length > 0 ? ok() : fail('No notice planned')),
};
