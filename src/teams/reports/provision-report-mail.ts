/** The e-mail copy of a batch report, as the seed's report mail: a table, the errors, the licence summary. */
import { countRows, reportErrors, type BatchReport } from '../../core/provision/index.js';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function reportMailHtml(report: BatchReport): string {
  const counts = countRows(report);
  const done = report.rows.filter((r) => r.status === 'provisioned' || r.status === 'planned');
  const rows = done
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.displayName ?? r.userPrincipalName)}</td><td>${escapeHtml(r.mail ?? r.userPrincipalName)}</td><td>${escapeHtml(r.licences.join(', '))}</td></tr>`,
    )
    .join('');
  const errors = reportErrors(report)
    .map(
      (e) =>
        `<li>User: ${escapeHtml(e.user)}<br>Email Address: ${escapeHtml(e.mail)}<br>License Assigned: ${escapeHtml(e.licence)}<br>Usage Location: ${escapeHtml(e.usageLocation)}<br>Error: ${escapeHtml(e.error)}</li>`,
    )
    .join('');
  const licences = report.licences
    .map(
      (l) =>
        `<li>You have consumed <strong>${l.consumed}</strong> ${escapeHtml(l.skuPartNumber)} licenses and have <strong>${l.remaining}</strong> remaining</li>`,
    )
    .join('');
  return (
    `<html><body><p>Hello,</p><p>This is an automated report from the provisioning service (${escapeHtml(report.source)}): ` +
    `${counts.total} rows, ${done.length} ${report.isDryRun ? 'would be provisioned' : 'provisioned'}, ${counts.queued} waiting for sync, ${counts.failed} failed.</p>` +
    `<table><thead><tr><th>Username</th><th>Email Address</th><th>License Assigned</th></tr></thead><tbody>${rows}</tbody></table>` +
    (errors ? `<p><strong>Errors:</strong></p><ul>${errors}</ul>` : '') +
    `<p><strong>License Summary:</strong></p><ul>${licences}</ul><p>Regards,<br>Provisioning Service</p></body></html>`
  );
}
