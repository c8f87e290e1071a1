/** Input of the offboarding steps: who leaves, who receives, and what the requester chose. */
import { z } from 'zod';
import { upnSchema } from '../upn.js';

const upnLike = upnSchema('must be a user principal name');

/** Options the requester chooses on the request card. Defaults follow Microsoft's leaver checklist. */
export const offboardOptionsSchema = z
  .object({
    /** Give the delegate FullAccess to the leaver's mailbox. */
    grantMailboxAccess: z.boolean().default(true),
    /** Outlook auto-mapping of the delegated mailbox. */
    automapping: z.boolean().default(true),
    convertToShared: z.boolean().default(true),
    /** Forward new mail to this address (null: no forwarding). */
    forwardTo: upnLike.nullable().default(null),
    /** Automatic reply text, plain text, shown to internal and external senders. */
    autoReply: z.string().trim().max(2000).nullable().default(null),
    litigationHold: z.boolean().default(false),
    /** Give the delegate site collection admin on the leaver's OneDrive. */
    shareOneDrive: z.boolean().default(true),
    removeGroups: z.boolean().default(true),
    removeLicences: z.boolean().default(true),
    /** Strip the leaver's own rights on other mailboxes (the revoke flow). */
    revokeMailboxRights: z.boolean().default(true),
    hideFromAddressLists: z.boolean().default(true),
    /** Delete every registered sign-in method (MFA phone, Authenticator, FIDO2, OATH, TAP) after the sessions are revoked. */
    removeSignInMethods: z.boolean().default(true),
    /** Groups and Teams the leaver owns: the delegate becomes owner where the leaver is the only one. */
    handOverOwnership: z.boolean().default(true),
    /** App registrations and service principals the leaver owns: reported, or the delegate made owner. */
    appOwnership: z.enum(['report', 'add-delegate']).default('report'),
    /** Move the leaver's direct reports to the leaver's manager. */
    reassignReports: z.boolean().default(true),
    /** Retire the leaver's personal Intune devices (company data removed, personal data kept). */
    retirePersonalDevices: z.boolean().default(true),
    /** Wipe the leaver's corporate Intune devices. Needs a second approver (policy). */
    wipeCorporateDevices: z.boolean().default(false),
    /** Disable the leaver's Entra-registered devices. */
    disableRegisteredDevices: z.boolean().default(true),
    /** Remove the mailbox's mobile devices and turn off ActiveSync, Outlook on the web, POP and IMAP. */
    blockMailClients: z.boolean().default(true),
    /** Delete the account this many days after the run (null: keep). */
    deleteAfterDays: z.number().int().min(1).max(365).nullable().default(null),
    /**
     * Keep the mailbox as an inactive mailbox once the account is deleted: litigation hold is placed
     * before the conversion, and Exchange keeps a held mailbox of a deleted user, inactive, until the
     * hold is released.
     */
    keepInactiveMailbox: z.boolean().default(false),
    /**
     * Remove the anonymous sharing links of the leaver's OneDrive. Off by default: a removed link can't be
     * restored; the card lists every anonymous and organisation link either way.
     */
    removeAnonymousLinks: z.boolean().default(false),
    /**
     * Future meetings the leaver organises: listed for the delegate (on the card and in their notice), or
     * cancelled through Exchange (attendees get a cancellation, which can't be taken back). Listing is
     * the default: nothing is sent without the requester choosing it.
     */
    organizedMeetings: z.enum(['list', 'cancel']).default('list'),
    /** How many days ahead to look for them (Remove-CalendarEvents accepts up to 1825). */
    meetingWindowDays: z.number().int().min(1).max(1825).default(120),
  })
  .strict();

export type OffboardOptions = z.infer<typeof offboardOptionsSchema>;

export interface PersonRef {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string;
}

export interface OffboardInput {
  requestId: string;
  leaver: PersonRef & {
    isSynced: boolean;
    onPremisesSamAccountName?: string;
    onPremisesDistinguishedName?: string;
  };
  /** Who receives mailbox and OneDrive access; null when nobody does. */
  delegate: PersonRef | null;
  requestedBy: string;
  options: OffboardOptions;
  /** Text stamped on the AD description ("Offboarded 2026-11-23 REQ-…"). */
  stamp: string;
  /** The OU disabled accounts move to; absent: no move. */
  disabledOuDn?: string;
  /** ISO date of the planned deletion, if any. */
  deleteOn?: string;
}
