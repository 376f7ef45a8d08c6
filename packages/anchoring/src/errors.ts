/** Why a range or offset was rejected. */
export type AnchoringErrorCode =
  /** An offset is not a non-negative safe integer. */
  | 'INVALID_OFFSET'
  /** An offset lies beyond the end of the text. */
  | 'OUT_OF_RANGE'
  /** `start === end`: nothing to annotate. */
  | 'EMPTY_RANGE'
  /** `start > end`. */
  | 'INVERTED_RANGE';

/**
 * Thrown for invalid code point offsets or ranges (by `describe`, the code point index, ...).
 * Extends `RangeError`, so `instanceof RangeError` also holds; switch on `code` for the reason.
 */
export class AnchoringRangeError extends RangeError {
  override readonly name = 'AnchoringRangeError';
  readonly code: AnchoringErrorCode;
  readonly start: number;
  readonly end: number | undefined;

  constructor(code: AnchoringErrorCode, message: string, start: number, end?: number) {
    super(message);
    this.code = code;
    this.start = start;
    this.end = end;
  }
}
