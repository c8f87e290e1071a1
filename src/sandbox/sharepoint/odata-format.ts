/**
 * SharePoint REST JSON flavours, chosen by the Accept header: `odata=nometadata`, `odata=minimalmetadata`
 * (also plain `application/json`) and `odata=verbose`. SharePoint answers Atom XML when the client does not ask
 * for JSON; the sandbox does not emulate XML and answers 406 instead, so a missing Accept header shows up early.
 */
export type SpFormat = 'nometadata' | 'minimalmetadata' | 'verbose';

export type SpEntity = Record<string, unknown>;

/** Null when the client did not ask for JSON. */
export function formatFromAccept(accept: string | undefined): SpFormat | null {
  if (accept === undefined || !/application\/json/i.test(accept)) return null;
  if (/odata\s*=\s*verbose/i.test(accept)) return 'verbose';
  if (/odata\s*=\s*nometadata/i.test(accept) || /odata\.metadata\s*=\s*none/i.test(accept))
    return 'nometadata';
  return 'minimalmetadata';
}

export function contentType(format: SpFormat): string {
  return `application/json;odata=${format};streaming=true;charset=utf-8`;
}

export interface EntityMeta {
  /** Absolute URI of the entity, e.g. `…/_api/Web/GetUserById(7)`. */
  uri: string;
  /** Relative edit link, e.g. `Web/GetUserById(7)`. */
  editLink: string;
  /** Entity type, e.g. `SP.User`. */
  type: string;
}

function annotate(entity: SpEntity, meta: EntityMeta, format: SpFormat): SpEntity {
  if (format === 'nometadata') return entity;
  if (format === 'verbose')
    return { __metadata: { id: meta.uri, uri: meta.uri, type: meta.type }, ...entity };
  return { 'odata.type': meta.type, 'odata.id': meta.uri, 'odata.editLink': meta.editLink, ...entity };
}

export function entityBody(
  entity: SpEntity,
  meta: EntityMeta,
  format: SpFormat,
  metadataUrl: string,
): SpEntity {
  const annotated = annotate(entity, meta, format);
  if (format === 'verbose') return { d: annotated };
  if (format === 'minimalmetadata') return { 'odata.metadata': `${metadataUrl}/@Element`, ...annotated };
  return annotated;
}

export function collectionBody(
  items: { entity: SpEntity; meta: EntityMeta }[],
  format: SpFormat,
  metadataUrl: string,
): SpEntity {
  const value = items.map((i) => annotate(i.entity, i.meta, format));
  if (format === 'verbose') return { d: { results: value } };
  if (format === 'minimalmetadata') return { 'odata.metadata': metadataUrl, value };
  return { value };
}
