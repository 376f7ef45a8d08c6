import type { CodePointIndex } from '@scholia/anchoring';

/**
 * DOM selections ↔ code point offsets of the document's canonical text.
 *
 * Every block element of the rendered document carries `data-start` (its code point offset), and its text nodes, in
 * order, spell exactly its part of the canonical text: plain text, highlights (`<mark>` only wraps text) and footnote
 * markers, brackets included (they are in the text, only not drawn). So a DOM point maps to: the block's offset,
 * converted to UTF-16, plus the UTF-16 length of the text before it in the block, converted back to code points.
 */

export interface TextRange {
  start: number;
  end: number;
}

interface TextNodeInfo {
  node: Text;
  /** UTF-16 offset of the node's first unit in the canonical text. */
  utf16: number;
}

/** The text nodes of the blocks of `article`, in document order, with their UTF-16 offsets in the canonical text. */
function textNodes(article: HTMLElement, index: CodePointIndex): TextNodeInfo[] {
  const out: TextNodeInfo[] = [];
  for (const block of article.querySelectorAll<HTMLElement>('.block[data-start]')) {
    const start = Number(block.dataset.start);
    if (!Number.isInteger(start) || start > index.length) continue;
    let at = index.toUtf16(start);
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const node = n as Text;
      out.push({ node, utf16: at });
      at += node.data.length;
    }
  }
  return out;
}

/** The index of the text node holding a boundary point, or where the point falls between nodes. */
function locate(nodes: TextNodeInfo[], container: Node, offset: number, side: 'start' | 'end'): number | null {
  if (container.nodeType === Node.TEXT_NODE) {
    const i = nodes.findIndex((t) => t.node === container);
    if (i >= 0) return nodes[i]!.utf16 + Math.min(offset, nodes[i]!.node.data.length);
  }
  if (nodes.length === 0) return null;
  // A point on an element (or on text outside the blocks): the nearest text inside, forwards for a start and
  // backwards for an end. Binary search on document order.
  const probe = document.createRange();
  probe.setStart(container, offset);
  probe.collapse(true);
  // First node whose start is at or after the point.
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (probe.comparePoint(nodes[mid]!.node, 0) >= 0) hi = mid;
    else lo = mid + 1;
  }
  // Node lo-1 starts before the point; if the point is inside it (possible only for foreign containers), treat as end.
  if (side === 'start') {
    if (lo >= nodes.length) return null;
    return nodes[lo]!.utf16;
  }
  if (lo === 0) return null;
  const prev = nodes[lo - 1]!;
  return prev.utf16 + prev.node.data.length;
}

/**
 * The code point range of `range` within the document's text, clipped to the document; null when the range does
 * not touch it or covers no text. Leading and trailing white space is left out.
 */
export function rangeToOffsets(article: HTMLElement, range: Range, index: CodePointIndex): TextRange | null {
  if (range.collapsed || !range.intersectsNode(article)) return null;
  const nodes = textNodes(article, index);
  const from = locate(nodes, range.startContainer, range.startOffset, 'start');
  const to = locate(nodes, range.endContainer, range.endOffset, 'end');
  if (from === null || to === null || to <= from) return null;
  let start = index.toCodePoint(Math.min(from, index.utf16Length), 'floor');
  let end = index.toCodePoint(Math.min(to, index.utf16Length), 'ceil');
  const text = index.slice(start, end);
  const lead = text.length - text.trimStart().length;
  const trail = text.length - text.trimEnd().length;
  if (lead === text.length) return null;
  // Trimmed white space is BMP (one unit = one code point).
  start += lead;
  end -= trail;
  return end > start ? { start, end } : null;
}

/** The current selection's code point range within the document, if any. */
export function selectionOffsets(article: HTMLElement, index: CodePointIndex): TextRange | null {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  return rangeToOffsets(article, sel.getRangeAt(0), index);
}

/** A DOM Range over the code point range `r` of the document (for scrolling to a passage that has no mark). */
export function offsetsToRange(article: HTMLElement, r: TextRange, index: CodePointIndex): Range | null {
  const nodes = textNodes(article, index);
  const from = index.toUtf16(Math.min(r.start, index.length));
  const to = index.toUtf16(Math.min(r.end, index.length));
  const point = (u: number, side: 'start' | 'end'): [Text, number] | null => {
    for (const t of nodes) {
      const len = t.node.data.length;
      if (side === 'start' ? u < t.utf16 + len : u <= t.utf16 + len) {
        return [t.node, Math.max(0, Math.min(len, u - t.utf16))];
      }
    }
    return null;
  };
  const a = point(from, 'start');
  const b = point(to, 'end');
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a[0], a[1]);
  range.setEnd(b[0], b[1]);
  return range;
}

/** Finds up to `limit` occurrences of `query` in `text` (case-insensitive, any run of white space matching any). */
export function findQuote(text: string, index: CodePointIndex, query: string, limit = 20): TextRange[] {
  const words = query.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0 || query.trim().length < 3) return [];
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'giu');
  const out: TextRange[] = [];
  for (const m of text.matchAll(pattern)) {
    const at = m.index ?? 0;
    out.push({ start: index.toCodePoint(at), end: index.toCodePoint(at + m[0].length) });
    if (out.length >= limit) break;
  }
  return out;
}
