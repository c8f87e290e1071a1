/**
 * Installs every Debian package the real-component tests use (Samba AD DC, PostgreSQL, Chromium and
 * fonts), as the test harnesses would on first use. Needs root and apt-get. The list is in
 * test/support/system-packages.ts.
 */
import { ensureComponent, missingNeeds, SYSTEM_COMPONENTS } from '../test/support/system-packages.js';

let failed = false;
for (const component of SYSTEM_COMPONENTS) {
  const missing = missingNeeds(component);
  if (missing.length === 0) {
    console.log(`${component.name}: present`);
    continue;
  }
  console.log(
    `${component.name}: installing ${component.packages.join(' ')} (missing: ${missing.join('; ')})`,
  );
  try {
    ensureComponent(component);
    console.log(`${component.name}: installed`);
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : String(error));
  }
}
process.exit(failed ? 1 : 0);
