import { getContext, setContext } from 'svelte';
import type { Target } from '@scholia/shared';
import type { Match } from './model';

/**
 * What forms deep inside the reader (a reply in a thread) need of the document's text to cite passages of it. The
 * reader provides it as a context rather than handing it down through every card.
 */
export interface Passages {
  find: (query: string) => Match[];
  /** Both W3C selectors of a range of the current text, as the API takes a passage. */
  target: (start: number, end: number) => Target;
  /** The current text of a range (code point offsets). */
  quote: (start: number, end: number) => string;
  /** Scrolls to a passage and outlines it for a moment. */
  show: (start: number, end: number) => void;
  /** A reply form offers to cite what is selected in the text (the last one offered wins); returns the withdrawal. */
  offerCitations: (citer: Citer) => () => void;
}

export interface Citer {
  /** Where the citation goes, after "Cite in": "your reply to Alice". */
  label: string;
  cite: (range: { start: number; end: number }) => void;
}

const KEY = Symbol('passages');

export const providePassages = (passages: Passages): Passages => setContext(KEY, passages);

/** Undefined outside a reader. */
export const usePassages = (): Passages | undefined => getContext<Passages | undefined>(KEY);
