import { Injectable } from '@nestjs/common';
import { type Anchorer, createAnchorer } from '@scholia/anchoring';

const MAX_ENTRIES = 32;

/** Prepared texts by document revision: building the code point index once serves every annotation on it. */
@Injectable()
export class AnchorerCache {
  private readonly entries = new Map<string, Anchorer>();

  get(documentId: string, revision: number, text: string): Anchorer {
    const key = `${documentId}@${revision}`;
    let anchorer = this.entries.get(key);
    if (anchorer) {
      this.entries.delete(key);
    } else {
      anchorer = createAnchorer(text);
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, anchorer);
    return anchorer;
  }
}
