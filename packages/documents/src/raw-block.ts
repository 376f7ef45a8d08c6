import type { BlockKind } from './types.js';

/** A block before offsets are assigned: its final text, plus UTF-16 ranges of code where no footnotes are sought. */
export interface RawBlock {
  kind: BlockKind;
  level?: number;
  text: string;
  codeRanges?: Array<[start: number, end: number]>;
}

/** The canonical text of a separator block, whatever the source used (`* * *`, `***`, `---`, `___`, `⁂`). */
export const SEPARATOR_TEXT = '* * *';
