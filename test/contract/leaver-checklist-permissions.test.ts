/**
 * Issue 17: each Graph route the leaver-checklist steps call has a line in the README's permissions
 * table naming a permission the sandbox accepts for it (the sandbox grants each route the documented
 * permissions, least privileged first).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGraphService } from '../../src/sandbox/graph/service.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('## Permissions'), readme.indexOf('## Deployment'));

/** The routes of the checklist steps (devices, sign-in methods, ownership, reports, meetings, links, retention). */
const checklistRoute =
  /\/(managedDevices|registeredDevices|devices\/|authentication\/|owners|ownedObjects|manager\/\$ref|directReports|calendarView|admin\/sharepoint\/settings|items\/:itemId\/permissions\/)/;

const namesPermission = (permission: string): boolean =>
  new RegExp(`(^|[^A-Za-z.-])${permission.replace(/\./g, '\\.')}([^A-Za-z.]|$)`).test(table);

describe('README permissions table (leaver checklist)', () => {
  const routes = createGraphService().routes.filter(
    (r) => r.path.startsWith('/v1.0/') && checklistRoute.test(r.path) && !r.path.includes('resetPassword'),
  );

  it('covers the checklist routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r.permissions ?? []] as const))(
    '%s has a permission in the table',
    (_route, permissions) => {
      expect(permissions.filter(namesPermission), permissions.join(', ')).not.toEqual([]);
    },
  );
});
