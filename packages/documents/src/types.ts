/** Source formats a document can be imported from. */
export type DocumentFormat = 'text' | 'markdown';

export interface DocumentInput {
  format: DocumentFormat;
  content: string;
}

export type BlockKind = 'heading' | 'paragraph' | 'blockquote' | 'separator';

/**
 * A footnote marker found in a block, e.g. `[12]`. `marker` is the marker exactly as it appears in the text (so
 * `text[start:end] === marker`), `label` is what is inside the brackets (`"12"`). Offsets are code points into the
 * document's canonical `text`, end exclusive.
 */
export interface FootnoteMarker {
  marker: string;
  label: string;
  start: number;
  end: number;
}

/**
 * One block of the canonical text. `start`/`end` are code point offsets into `ParsedDocument.text` (end exclusive);
 * the block's text is `text[start:end]` counted in code points (see `sliceCodePoints`). `level` is set for headings
 * only (1–6; headings detected in plain text get level 2).
 */
export interface Block {
  kind: BlockKind;
  level?: number;
  start: number;
  end: number;
  footnotes: FootnoteMarker[];
}

/**
 * The result of importing a document.
 *
 * `text` is the canonical plain text that annotation selectors index into. It is exactly the blocks' texts, in order,
 * joined by a blank line ("\n\n"): block *i+1* starts 2 code points after block *i* ends, the first block starts at 0,
 * and the last ends at the end of `text`. A block's own text is never empty, never starts or ends with whitespace and
 * never contains "\n\n"; it holds a single "\n" only where a Markdown source has a hard line break or inside a
 * Markdown code block. A separator block's text is always `* * *`.
 */
export interface ParsedDocument {
  text: string;
  blocks: Block[];
}
