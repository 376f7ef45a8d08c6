/**
 * Highlight colours. Each author gets a stable hue (from their id); an annotation's own colour wins when set. The
 * colour is mixed with the paper according to how many highlights overlap, then lightened as far as needed for the
 * text on it to keep at least 5.5:1 contrast (WCAG AA with room to spare), whatever the hue or a chosen colour.
 */

export type Rgb = [number, number, number];

const PAPER: Rgb = [0xfb, 0xf8, 0xf1];
const WHITE: Rgb = [0xff, 0xff, 0xff];
/** Relative luminance a mark's background keeps at least: ink (#1f1b16, L≈0.011) on it stays above 5.5:1. */
const MIN_LUMINANCE = 0.3;
/** How much of the highlight colour is mixed into the paper for 1, 2, 3 and 4+ overlapping highlights. */
const STRENGTH = [0.24, 0.42, 0.58, 0.7];

/** A stable hue in [0, 360) for an id (FNV-1a). */
export function hueOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 360;
}

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

function parseHex(hex: string): Rgb | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : null;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! * t + b[i]! * (1 - t))) as Rgb;
}

function channel(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

const css = ([r, g, b]: Rgb) => `rgb(${r} ${g} ${b})`;

/** The full-strength colour of an annotation: its own colour, or its author's hue. */
export function baseColor(color: string | null | undefined, authorId: string | null | undefined): Rgb {
  return (color ? parseHex(color) : null) ?? hsl(hueOf(authorId ?? 'deleted'), 0.78, 0.5);
}

/** An opaque mark background for `count` overlapping highlights of colour `base`. */
export function markBackground(base: Rgb, count: number): string {
  const strength = STRENGTH[Math.min(Math.max(count, 1), STRENGTH.length) - 1]!;
  let c = mix(base, PAPER, strength);
  for (let step = 0; step < 20 && luminance(c) < MIN_LUMINANCE; step++) c = mix(c, WHITE, 0.85);
  return css(c);
}

/** A darker shade of the colour, for non-text accents (card edges, minimap ticks): at least 3:1 on the paper. */
export function accentColor(base: Rgb): string {
  let c = base;
  for (let step = 0; step < 20 && luminance(c) > 0.25; step++) c = mix(c, [0, 0, 0], 0.85);
  return css(c);
}

/**
 * Colours of a debate's positions, by their order (a debate has at most six): the Okabe–Ito palette, which stays
 * distinguishable with the common colour vision deficiencies. Colour is never the only cue: each position also has its
 * own hatching (`positionPattern`) and the side is drawn as a solid (for) or dashed (against) underline.
 */
const POSITION_COLORS: readonly Rgb[] = [
  [0x00, 0x72, 0xb2],
  [0xd5, 0x5e, 0x00],
  [0x00, 0x9e, 0x73],
  [0xcc, 0x79, 0xa7],
  [0xe6, 0x9f, 0x00],
  [0x56, 0xb4, 0xe9],
];

export const positionBase = (index: number): Rgb =>
  POSITION_COLORS[((index % POSITION_COLORS.length) + POSITION_COLORS.length) % POSITION_COLORS.length]!;

/** The colour of highlights that take no stance in the debate being shown: a quiet grey, so stances stand out. */
export const NEUTRAL: Rgb = [0xa8, 0xa0, 0x94];

/** Hatching angles per position (none for the first), so positions differ in shape as well as in colour. */
const HATCH = [null, 135, 45, 90, 0, 'cross'] as const;

/**
 * A CSS background-image that hatches a highlight or swatch of the position at `index` with its accent colour, faint
 * enough for the text on it to stay above 5:1; `none` for the first position.
 */
export function positionPattern(index: number, accent: string): string {
  const hatch = HATCH[index % HATCH.length];
  if (hatch === null || hatch === undefined) return 'none';
  const tint = accent.replace(/^rgb\((.*)\)$/, 'rgb($1 / 0.22)');
  const stripes = (deg: number) => `repeating-linear-gradient(${deg}deg, transparent 0 4px, ${tint} 4px 5.5px)`;
  return hatch === 'cross' ? `${stripes(45)}, ${stripes(135)}` : stripes(hatch);
}
