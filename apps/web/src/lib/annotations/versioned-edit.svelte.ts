import type { Problem } from '@scholia/shared';
import { ApiError, toProblem } from '$lib/api';

/**
 * Editing something saved with a version (a note, a reply): the save in flight, a stale-version conflict that the
 * writer resolves by reloading (their text stays in the box), and any other problem to show.
 */
export class VersionedEdit {
  saving = $state(false);
  reloading = $state(false);
  conflict = $state(false);
  problem = $state<Problem | null>(null);

  reset(): void {
    this.problem = null;
    this.conflict = false;
  }

  /** Runs `save`; false when it did not go through. Ignored mid-reload, which would send the stale version again. */
  async save(save: () => Promise<void>): Promise<boolean> {
    if (this.saving || this.reloading) return false;
    this.saving = true;
    this.reset();
    try {
      await save();
      return true;
    } catch (err) {
      // Other 409s (a locked thread) carry their own explanation: only a stale version is a conflict to reload.
      if (err instanceof ApiError && err.status === 409 && err.problem.type.endsWith(':stale-version'))
        this.conflict = true;
      else this.problem = toProblem(err);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /** Loads the saved version again; true once it is there. */
  async reload(load: () => Promise<void>): Promise<boolean> {
    this.reloading = true;
    try {
      await load();
      this.conflict = false;
      return true;
    } catch (err) {
      this.problem = toProblem(err);
      return false;
    } finally {
      this.reloading = false;
    }
  }
}
