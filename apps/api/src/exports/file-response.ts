import { StreamableFile } from '@nestjs/common';

/** An answer in a media type of its own (JSON-LD, CSV), possibly as a download. */
export interface FileResponse<T> {
  contentType: string;
  body: T | string;
  disposition?: string;
}

/**
 * The body sent exactly with `contentType`: Express would otherwise append `; charset=utf-8` to it (JSON-LD is UTF-8
 * by definition and the Web Annotation protocol names the bare `application/ld+json; profile=…`). Plain JSON answers
 * (`application/json`) are returned as they are, for Nest to serialise.
 */
export function fileBody<T>(out: FileResponse<T>): T | StreamableFile {
  if (out.contentType.startsWith('application/json') && typeof out.body !== 'string') return out.body;
  const bytes = Buffer.from(typeof out.body === 'string' ? out.body : JSON.stringify(out.body), 'utf8');
  return new StreamableFile(bytes, {
    type: out.contentType,
    length: bytes.length,
    ...(out.disposition ? { disposition: out.disposition } : {}),
  });
}
