/**
 * Drafts survive reloads and navigation in this tab (sessionStorage) until they are posted or discarded, so nothing a
 * reader has typed is lost to a slip of the Escape key, a reload or a dropped connection.
 */

const PREFIX = 'scholia:draft:';

export function loadDraft<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, value: unknown): void {
  try {
    sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the draft still lives in the page.
  }
}

export function clearDraft(key: string): void {
  try {
    sessionStorage.removeItem(PREFIX + key);
  } catch {
    // Nothing to do.
  }
}

export const noteDraftKey = (documentId: string) => `note:${documentId}`;
export const replyDraftKey = (annotationId: string, parentId: string | null) =>
  `reply:${annotationId}:${parentId ?? 'root'}`;
export const editDraftKey = (annotationId: string) => `edit:${annotationId}`;
