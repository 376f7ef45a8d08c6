/** Why a document could not be imported; stable, so the API can map it to a problem+json `type`. */
export type DocumentParseErrorCode = 'empty' | 'too_large' | 'too_complex' | 'invalid_format' | 'invalid_content';

/**
 * Thrown by `parseDocument` for input it refuses. `message` is written for the person importing the document and
 * can be shown as is (e.g. as the `detail` of a 400/413/422 problem+json response).
 */
export class DocumentParseError extends Error {
  override readonly name = 'DocumentParseError';
  readonly code: DocumentParseErrorCode;

  constructor(code: DocumentParseErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
