import type { Token, Tokens } from 'marked';
import { lexMarkdown } from './markdown-lexer.js';
import { SEPARATOR_TEXT, type RawBlock } from './raw-block.js';
import { collapseLineBreaks, decodeEntities, htmlToText, joinSoftBreaks, trimLineEnds } from './text-utils.js';

/**
 * Markdown → blocks, using marked's lexer (GFM).
 *
 * - ATX and setext headings → `heading` with their level; paragraphs → `paragraph`; thematic breaks → `separator`.
 * - Everything inside a `>` blockquote (paragraphs, headings, list items, nested quotes) → one `blockquote` block per
 *   paragraph.
 * - Lists → one `paragraph` per item (the item's text, without the bullet or number; a task item's checkbox is
 *   dropped; nested lists follow as further paragraphs).
 * - Inline markup is reduced to the text a reader sees: emphasis/strong/strikethrough → their content, links → their
 *   text, images → their alt text, code spans → their content, character references decoded (`&amp;` → `&`),
 *   backslash escapes resolved, inline HTML tags dropped. Soft line breaks become a space; hard line breaks a "\n".
 * - Fenced/indented code blocks → a `paragraph` holding the code (lines kept, blank lines collapsed to one "\n");
 *   footnote markers are not looked for in code.
 * - HTML blocks → a `paragraph` of their visible text (tags, comments, script/style content dropped), if any.
 * - Tables → one `paragraph` per row, cells joined by " | ".
 * - Link reference definitions produce nothing.
 */
export function parseMarkdown(source: string): RawBlock[] {
  const tokens = lexMarkdown(source); // throws MarkdownTooComplexError for pathological nesting
  const blocks: RawBlock[] = [];
  walkBlocks(tokens, false, blocks);
  return blocks;
}

function walkBlocks(tokens: Token[], inQuote: boolean, out: RawBlock[]): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
      case 'def':
      case 'checkbox':
        break;
      case 'heading': {
        const t = token as Tokens.Heading;
        const b = inlineBlock(t.tokens);
        if (inQuote) pushBlock(out, { kind: 'blockquote', ...b });
        else pushBlock(out, { kind: 'heading', level: t.depth, ...b });
        break;
      }
      case 'paragraph':
        pushBlock(out, {
          kind: inQuote ? 'blockquote' : 'paragraph',
          ...inlineBlock((token as Tokens.Paragraph).tokens),
        });
        break;
      case 'text': {
        // Block-level text: the content of a tight list item.
        const t = token as Tokens.Text;
        const b = inlineBlock(t.tokens ?? [{ type: 'text', raw: t.raw, text: t.text }]);
        pushBlock(out, { kind: inQuote ? 'blockquote' : 'paragraph', ...b });
        break;
      }
      case 'blockquote':
        walkBlocks((token as Tokens.Blockquote).tokens, true, out);
        break;
      case 'list':
        for (const item of (token as Tokens.List).items) walkBlocks(item.tokens, inQuote, out);
        break;
      case 'list_item':
        walkBlocks((token as Tokens.ListItem).tokens, inQuote, out);
        break;
      case 'hr':
        out.push({ kind: 'separator', text: SEPARATOR_TEXT });
        break;
      case 'code': {
        const lines = trimLineEnds((token as Tokens.Code).text).split('\n');
        const text = lines
          .filter((line) => line !== '')
          .join('\n')
          .trim();
        pushBlock(out, { kind: inQuote ? 'blockquote' : 'paragraph', text, codeRanges: [[0, text.length]] });
        break;
      }
      case 'html': {
        const text = collapseWhitespace(htmlToText((token as Tokens.HTML).text));
        pushBlock(out, { kind: inQuote ? 'blockquote' : 'paragraph', text });
        break;
      }
      case 'table': {
        const t = token as Tokens.Table;
        for (const row of [t.header, ...t.rows]) {
          const builder = new InlineBuilder();
          row.forEach((cell, i) => {
            if (i > 0) builder.append(' | ');
            builder.inline(cell.tokens);
          });
          pushBlock(out, { kind: inQuote ? 'blockquote' : 'paragraph', ...builder.finish() });
        }
        break;
      }
      default: {
        // Tokens from extensions or future marked versions: keep whatever text they carry.
        const generic = token as Tokens.Generic;
        if (Array.isArray(generic.tokens)) walkBlocks(generic.tokens, inQuote, out);
        else if (typeof generic.text === 'string') {
          pushBlock(out, { kind: inQuote ? 'blockquote' : 'paragraph', text: collapseWhitespace(generic.text) });
        }
      }
    }
  }
}

function pushBlock(out: RawBlock[], block: RawBlock): void {
  if (block.text !== '') out.push(block);
}

function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function inlineBlock(tokens: Token[]): { text: string; codeRanges: Array<[number, number]> } {
  const builder = new InlineBuilder();
  builder.inline(tokens);
  return builder.finish();
}

/** Accumulates the plain text of inline tokens, remembering where code spans are. */
class InlineBuilder {
  private text = '';
  private readonly codeRanges: Array<[number, number]> = [];

  append(s: string): void {
    this.text += s;
  }

  inline(tokens: Token[]): void {
    for (const token of tokens) {
      switch (token.type) {
        case 'text': {
          const t = token as Tokens.Text;
          if (t.tokens && t.tokens.length > 0) this.inline(t.tokens);
          else this.append(softBreaks(decodeEntities(t.text)));
          break;
        }
        case 'escape':
          this.append((token as Tokens.Escape).text);
          break;
        case 'codespan': {
          const start = this.text.length;
          this.append(softBreaks((token as Tokens.Codespan).text));
          this.codeRanges.push([start, this.text.length]);
          break;
        }
        case 'br':
          this.append('\n');
          break;
        case 'html':
        case 'checkbox':
          break; // inline tags carry no text of their own
        case 'strong':
        case 'em':
        case 'del':
        case 'link':
        case 'image':
          this.inline((token as Tokens.Strong).tokens ?? []);
          break;
        default: {
          const generic = token as Tokens.Generic;
          if (Array.isArray(generic.tokens)) this.inline(generic.tokens);
          else if (typeof generic.text === 'string') this.append(softBreaks(generic.text));
        }
      }
    }
  }

  finish(): { text: string; codeRanges: Array<[number, number]> } {
    // Trim the block, drop whitespace around hard breaks, and keep the code ranges aligned with the result.
    const lead = this.text.length - this.text.trimStart().length;
    let text = this.text.trim();
    let ranges = this.codeRanges.map(([s, e]): [number, number] => [
      Math.min(text.length, Math.max(0, s - lead)),
      Math.min(text.length, Math.max(0, e - lead)),
    ]);
    if (text.includes('\n')) {
      const collapsed = collapseLineBreaks(text);
      ranges = ranges.map(([s, e]): [number, number] => [collapsed.map[s] ?? 0, collapsed.map[e] ?? 0]);
      text = collapsed.text;
    }
    return { text, codeRanges: ranges };
  }
}

function softBreaks(s: string): string {
  return joinSoftBreaks(s);
}
