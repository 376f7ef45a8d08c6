/** W3C Web Annotation TextPositionSelector. Offsets are Unicode code points; `end` is exclusive. */
export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

/** W3C Web Annotation TextQuoteSelector: the quoted text and (up to 32 code points of) context. */
export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix?: string;
  suffix?: string;
}

export type Selector = TextPositionSelector | TextQuoteSelector;

/** A half-open range of code point offsets. */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * How an anchor was found: at the stored position; by exact search for the quote; by approximate
 * search; or by its two ends (prefix + start of the quote, end of the quote + suffix found intact),
 * when text was inserted into or removed from the middle of the passage.
 */
export type AnchorMethod = 'position' | 'exact' | 'approximate' | 'ends';

/**
 * A successfully anchored annotation. Offsets are code points in the text it was anchored against.
 *
 * - `anchored`: the stored position was verified: the text at `[start, end)` equals `exact`.
 * - `moved`: found somewhere else, or found approximately (the text there differs from `exact`;
 *   the caller may want to store fresh selectors, see `Anchorer#describe`). Annotations without a
 *   position selector are always `moved` when found.
 */
export interface FoundAnchor {
  status: 'anchored' | 'moved';
  start: number;
  end: number;
  method: AnchorMethod;
  /** Edit distance (UTF-16 units) between `exact` and the anchored text; 0 unless approximate. */
  errors: number;
  /** Similarity in [0, 1] of the stored prefix/suffix with the text around the anchor (undefined: no context stored). */
  contextSimilarity: number | undefined;
}

/** Why an annotation could not be anchored. */
export type OrphanReason =
  /** No usable TextQuoteSelector / TextPositionSelector. */
  | 'no-selector'
  /** The quote was not found, exactly or approximately. */
  | 'not-found'
  /** Candidates were found but were too weak (too many errors or too little context support). */
  | 'weak-match';

export interface OrphanedAnchor {
  status: 'orphaned';
  start?: undefined;
  end?: undefined;
  reason: OrphanReason;
}

export type Anchor = FoundAnchor | OrphanedAnchor;

export type AnchorStatus = Anchor['status'];
