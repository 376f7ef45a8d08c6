export type { Block, BlockKind, DocumentFormat, DocumentInput, FootnoteMarker, ParsedDocument } from './types.js';
export { BLOCK_SEPARATOR, MAX_DOCUMENT_BYTES, parseDocument } from './document.js';
export { DocumentParseError, type DocumentParseErrorCode } from './errors.js';
export { SEPARATOR_TEXT } from './raw-block.js';
export {
  ALLOWED_LINK_SCHEMES,
  ALLOWED_TAGS,
  LINK_REL,
  MAX_RENDER_LENGTH,
  isSafeHref,
  renderMarkdown,
} from './render.js';
export { MAX_MARKDOWN_NESTING } from './markdown-lexer.js';
export { MAX_MENTION_LENGTH, extractMentions } from './mentions.js';
export { xssPayloads } from './xss-corpus.js';
