/**
 * Built-in Entra directory roles the sandbox knows, by display name: template ids from the Microsoft
 * Entra built-in roles reference (permissions-reference.md), stable across tenants. The object id of
 * an activated `directoryRole` differs per tenant; the sandbox derives one from the template id.
 */
export interface DirectoryRoleDefinition {
  displayName: string;
  roleTemplateId: string;
  description: string;
}

const definitions: DirectoryRoleDefinition[] = [
  {
    displayName: 'Global Administrator',
    roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
    description:
      'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
  },
  {
    displayName: 'Privileged Role Administrator',
    roleTemplateId: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
    description:
      'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
  },
  {
    displayName: 'Privileged Authentication Administrator',
    roleTemplateId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
    description:
      'Can access to view, set and reset authentication method information for any user (admin or non-admin).',
  },
  {
    displayName: 'User Administrator',
    roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
    description:
      'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
  },
  {
    displayName: 'Exchange Administrator',
    roleTemplateId: '29232cdf-9323-42fd-ade2-1d097af3e4de',
    description: 'Can manage all aspects of the Exchange product.',
  },
  {
    displayName: 'Security Administrator',
    roleTemplateId: '194ae4cb-b126-40b2-bd5b-6091b380977d',
    description:
      'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
  },
  {
    displayName: 'SharePoint Administrator',
    roleTemplateId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
    description: 'Can manage all aspects of the SharePoint service.',
  },
  {
    displayName: 'Helpdesk Administrator',
    roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
    description: 'Can reset passwords for non-administrators and Helpdesk Administrators.',
  },
  {
    displayName: 'Global Reader',
    roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
    description: 'Can read everything that a Global Administrator can, but not update anything.',
  },
];

const byName = new Map(definitions.map((d) => [d.displayName.toLowerCase(), d]));

export function directoryRoleNamed(displayName: string): DirectoryRoleDefinition | undefined {
  return byName.get(displayName.toLowerCase());
}

/** The `directoryRole` object of an activated role, as `memberOf`/`transitiveMemberOf` return it. */
export function directoryRoleJson(role: DirectoryRoleDefinition): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.directoryRole',
    // Activated role objects have their own id; the sandbox's is the template id with its first group changed.
    id: `d1${role.roleTemplateId.slice(2)}`,
    deletedDateTime: null,
    description: role.description,
    displayName: role.displayName,
    roleTemplateId: role.roleTemplateId,
  };
}
