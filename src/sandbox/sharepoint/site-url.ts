/**
 * Site URLs as clients send them: the real form (`https://contoso-my.sharepoint.com/personal/adele_vance_contoso_com`)
 * or the sandbox-mapped form (`http://127.0.0.1:4010/contoso-my.sharepoint.com/personal/…`). Both normalise
 * to the real form, which is how the tenant state keys OneDrive sites.
 */
export function toRealSiteUrl(url: string, baseUrl: string): string | null {
  const trimmed = url.trim().replace(/\/+$/, '');
  if (trimmed.length > 2048) return null;
  const base = `${baseUrl.replace(/\/+$/, '')}/`;
  const real = trimmed.toLowerCase().startsWith(base.toLowerCase())
    ? `https://${trimmed.slice(base.length)}`
    : trimmed;
  let parsed: URL;
  try {
    parsed = new URL(real);
  } catch (e) {
    if (e instanceof TypeError) return null;
    throw e;
  }
  if (parsed.protocol !== 'https:' || parsed.search !== '' || parsed.hash !== '') return null;
  return `https://${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, '')}`;
}
