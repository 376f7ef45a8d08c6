export type {
  Anchor,
  AnchorMethod,
  AnchorStatus,
  FoundAnchor,
  OrphanReason,
  OrphanedAnchor,
  Selector,
  TextPositionSelector,
  TextQuoteSelector,
  TextRange,
} from './types.js';
export { AnchoringRangeError, type AnchoringErrorCode } from './errors.js';
export {
  CodePointIndex,
  codePointLength,
  codePointToUtf16,
  createCodePointIndex,
  sliceByCodePoints,
  utf16ToCodePoint,
  type SurrogateRounding,
} from './codepoints.js';
export {
  Anchorer,
  DEFAULT_CONTEXT_LENGTH,
  anchor,
  createAnchorer,
  defaultMaxErrors,
  describe,
  type AnchorOptions,
  type DescribeOptions,
} from './anchor.js';
export { segmentBlocks, segmentRanges, type Block, type HighlightRange, type Segment } from './segments.js';
