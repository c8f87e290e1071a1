/** The JSON a revoke change carries in the plan and the journal, validated when read back. */
import { z } from 'zod';
import { revokeCategories, type FoundPermission } from './permissions.js';

export const changeDataSchema = z.object({
  /** The user whose right is removed (their UPN). */
  user: z.string(),
  category: z.enum(revokeCategories),
  mailbox: z.string().min(3),
  mailboxDisplayName: z.string().optional(),
  recipientTypeDetails: z.string().optional(),
  permission: z.enum(['FullAccess', 'SendAs', 'SendOnBehalf', 'CalendarDelegate', 'CalendarPermission']),
  accessLevel: z.string().optional(),
  trustee: z.string().min(1),
  folder: z.string().optional(),
  accessRights: z.array(z.string()).optional(),
  isDelegate: z.boolean().optional(),
});

export type RevokeChangeData = FoundPermission & { user: string };

const verbs: Record<FoundPermission['category'], string> = {
  full_access: 'FullAccess',
  shared_mailboxes: 'shared mailbox membership (FullAccess)',
  send_as: 'SendAs',
  send_on_behalf: 'SendOnBehalf',
  calendar_delegates: 'calendar access',
};

/** "Remove ada@contoso.com's SendAs on info@contoso.com". */
export function describePermission(data: RevokeChangeData): string {
  const level = data.category === 'calendar_delegates' && data.accessLevel ? ` (${data.accessLevel})` : '';
  return `Remove ${data.user}'s ${verbs[data.category]}${level} on ${data.mailbox}`;
}
