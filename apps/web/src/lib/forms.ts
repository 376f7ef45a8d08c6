import type { Problem } from '@scholia/shared';

export interface FieldError {
  /** The form field name (the last part of the problem path, e.g. `password` for `body.password`). */
  field: string;
  message: string;
}

/** Per-field errors of a problem, keyed by field name; `body.password` → `password`. */
export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const parts = e.path.split('.');
    if (parts[0] === 'body' || parts[0] === 'query' || parts[0] === 'params') parts.shift();
    const field = parts[0] ?? '';
    if (field && !(field in out)) out[field] = e.message;
  }
  return out;
}

/** Moves focus to an element once it has been rendered (for error summaries and status messages). */
export function focusSoon(id: string): void {
  queueMicrotask(() => requestAnimationFrame(() => document.getElementById(id)?.focus()));
}

/**
 * Checks that required fields are filled in before anything is sent, with plain messages; the API validates
 * everything again. Returns a problem shaped like the API's validation answers, or null when all are filled in.
 */
export function missingFields(checks: Array<[field: string, value: string, message: string]>): Problem | null {
  const errors = checks
    .filter(([, value]) => value.trim() === '')
    .map(([field, , message]) => ({ path: `body.${field}`, message }));
  if (errors.length === 0) return null;
  return {
    type: 'about:blank',
    title: 'Missing information',
    status: 400,
    detail: errors.map((e) => e.message).join(' '),
    errors,
  };
}

/** A keydown handler for a form or dialog that Escape closes (kept from reaching enclosing ones, which close too). */
export function closeOnEscape(close: () => unknown): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    void close();
  };
}
