import { createCodePointIndex, segmentBlocks, type CodePointIndex, type HighlightRange } from '@scholia/anchoring';
import type { Block, DocumentDto } from '@scholia/shared';

/**
 * The reader's view model: the document's blocks turned into elements and runs of text. Every offset is a code point
 * offset into the canonical `text`, so highlights can later be layered by splitting runs further; the text content
 * of each rendered block is exactly the canonical text of that block.
 */

/** A run of text inside a block: plain text, or a footnote marker such as `[12]`. */
export interface Run {
  start: number;
  end: number;
  text: string;
  /** The footnote label (what is inside the brackets) when this run is a footnote marker. */
  footnote?: string;
}

export type BlockTag = 'p' | 'blockquote' | 'hr' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6';

export interface RenderBlock {
  kind: Block['kind'];
  tag: BlockTag;
  /** Element id, set on headings (targets of the table of contents). */
  id?: string;
  start: number;
  end: number;
  text: string;
  runs: Run[];
}

export interface TocEntry {
  id: string;
  text: string;
  /** 1 for the top level of the document's own headings, 2 for the next one down, … */
  depth: number;
}

export interface ReaderModel {
  index: CodePointIndex;
  blocks: RenderBlock[];
  toc: TocEntry[];
}

/** Strips the brackets from a marker: `[12]` → `12`. */
export function footnoteLabel(marker: string): string {
  return marker.replace(/^[[(]\s*/, '').replace(/\s*[\])]$/, '');
}

function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'section';
}

/**
 * Heading levels in the source may start anywhere and skip levels (a Markdown file with `#` and `###` only). The page
 * title is the h1, so the document's headings start at h2, and a heading is never more than one level below the
 * previous one.
 */
function headingTags(blocks: readonly Block[]): Map<Block, { tag: BlockTag; depth: number }> {
  const levels = [...new Set(blocks.filter((b) => b.kind === 'heading').map((b) => b.level ?? 2))].sort(
    (a, b) => a - b,
  );
  const rank = new Map(levels.map((level, i) => [level, i + 1]));
  const out = new Map<Block, { tag: BlockTag; depth: number }>();
  let previous = 0;
  for (const block of blocks) {
    if (block.kind !== 'heading') continue;
    const depth = Math.min(rank.get(block.level ?? 2) ?? 1, previous + 1, 5);
    previous = depth;
    out.set(block, { tag: `h${depth + 1}` as BlockTag, depth });
  }
  return out;
}

function runsOf(block: Block, index: CodePointIndex): Run[] {
  const runs: Run[] = [];
  let at = block.start;
  const notes = [...block.footnotes].sort((a, b) => a.start - b.start);
  for (const note of notes) {
    if (note.start < at || note.end > block.end || note.end <= note.start) continue;
    if (note.start > at) runs.push({ start: at, end: note.start, text: index.slice(at, note.start) });
    runs.push({
      start: note.start,
      end: note.end,
      text: index.slice(note.start, note.end),
      footnote: footnoteLabel(note.marker),
    });
    at = note.end;
  }
  if (at < block.end) runs.push({ start: at, end: block.end, text: index.slice(at, block.end) });
  return runs;
}

export function buildReader(doc: Pick<DocumentDto, 'text' | 'blocks'>): ReaderModel {
  const index = createCodePointIndex(doc.text);
  const headings = headingTags(doc.blocks);
  const usedIds = new Set<string>();
  const blocks: RenderBlock[] = [];
  const toc: TocEntry[] = [];

  for (const block of doc.blocks) {
    const text = index.slice(block.start, block.end);
    if (block.kind === 'separator') {
      blocks.push({ kind: block.kind, tag: 'hr', start: block.start, end: block.end, text, runs: [] });
      continue;
    }
    const runs = runsOf(block, index);
    if (block.kind === 'heading') {
      const { tag, depth } = headings.get(block) ?? { tag: 'h2', depth: 1 };
      const base = `s-${slugify(text)}`;
      let id = base;
      for (let n = 2; usedIds.has(id); n++) id = `${base}-${n}`;
      usedIds.add(id);
      // The contents list shows the heading without its footnote markers.
      const label =
        runs
          .filter((r) => !r.footnote)
          .map((r) => r.text)
          .join('')
          .trim() || text;
      toc.push({ id, text: label, depth });
      blocks.push({ kind: block.kind, tag, id, start: block.start, end: block.end, text, runs });
      continue;
    }
    blocks.push({
      kind: block.kind,
      tag: block.kind === 'blockquote' ? 'blockquote' : 'p',
      start: block.start,
      end: block.end,
      text,
      runs,
    });
  }
  return { index, blocks, toc };
}

/** A stretch of a run with one set of highlights over it; `bracket` marks a footnote marker's bracket (not drawn). */
export interface Piece {
  start: number;
  end: number;
  text: string;
  bracket: boolean;
  /** Ids of the highlights covering this piece (empty: plain text). */
  ids: string[];
}

/** A run split at highlight boundaries (and, for footnote markers, at the brackets). */
export interface RunView {
  start: number;
  end: number;
  footnote?: string;
  pieces: Piece[];
}

export interface BlockView extends RenderBlock {
  views: RunView[];
}

interface Atom {
  start: number;
  end: number;
  bracket: boolean;
}

/** A footnote marker `[12]` as its drawn inside and its (invisible) brackets; any other run is one atom. */
function atomsOf(run: Run, index: CodePointIndex): Atom[] {
  if (run.footnote === undefined || run.end - run.start < 2)
    return [{ start: run.start, end: run.end, bracket: false }];
  const first = index.slice(run.start, run.start + 1);
  const last = index.slice(run.end - 1, run.end);
  if (!/^[[(]$/.test(first) || !/^[\])]$/.test(last)) return [{ start: run.start, end: run.end, bracket: false }];
  const atoms: Atom[] = [{ start: run.start, end: run.start + 1, bracket: true }];
  if (run.end - run.start > 2) atoms.push({ start: run.start + 1, end: run.end - 1, bracket: false });
  atoms.push({ start: run.end - 1, end: run.end, bracket: true });
  return atoms;
}

interface Segment {
  start: number;
  end: number;
  ids: string[];
}

function split(atom: Atom, segments: readonly Segment[], index: CodePointIndex, out: Piece[]): void {
  let at = atom.start;
  for (const s of segments) {
    if (s.end <= at) continue;
    if (s.start >= atom.end) break;
    if (s.start > at) {
      out.push({ start: at, end: s.start, text: index.slice(at, s.start), bracket: atom.bracket, ids: [] });
      at = s.start;
    }
    const end = Math.min(s.end, atom.end);
    out.push({ start: at, end, text: index.slice(at, end), bracket: atom.bracket, ids: s.ids });
    at = end;
  }
  if (at < atom.end)
    out.push({ start: at, end: atom.end, text: index.slice(at, atom.end), bracket: atom.bracket, ids: [] });
}

/**
 * The blocks with their runs split where highlights begin and end. `ranges` are code point ranges (they may overlap);
 * each piece lists the ids covering it, so overlaps become one piece with several ids. The pieces of a block, in
 * order, spell exactly the block's canonical text.
 */
export function highlightBlocks(
  model: Pick<ReaderModel, 'blocks' | 'index'>,
  ranges: readonly HighlightRange[],
): BlockView[] {
  const perBlock = segmentBlocks(model.blocks, ranges, { relative: false });
  return model.blocks.map((block, k) => {
    const segments = perBlock[k] ?? [];
    const views = block.runs.map((run): RunView => {
      const pieces: Piece[] = [];
      for (const atom of atomsOf(run, model.index)) split(atom, segments, model.index, pieces);
      return run.footnote === undefined
        ? { start: run.start, end: run.end, pieces }
        : { start: run.start, end: run.end, footnote: run.footnote, pieces };
    });
    return { ...block, views };
  });
}
