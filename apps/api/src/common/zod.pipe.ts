import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ProblemException } from './problem.js';

/** Validates one part of a request against a shared schema; anything else is a 400 listing every problem. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly part: 'body' | 'query' | 'params' = 'body',
  ) {}

  transform(value: unknown): z.infer<T> {
    if (this.part === 'body' && value === undefined) {
      throw new ProblemException(400, 'validation', 'The request needs a JSON body.');
    }
    const nul = findNul(value, this.part);
    if (nul) {
      throw new ProblemException(400, 'validation', `${nul} contains a NUL character, which text cannot hold.`, {
        errors: [{ path: nul, message: 'Contains a NUL character' }],
      });
    }
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const errors = result.error.issues.map((i) => ({
      path: [this.part, ...i.path.map(String)].join('.'),
      message: i.code === 'unrecognized_keys' ? `Unknown field(s): ${i.keys.join(', ')}` : i.message,
    }));
    throw new ProblemException(
      400,
      'validation',
      `The request ${this.part} is not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
}

/** PostgreSQL text cannot store U+0000, so it is refused up front rather than failing deep in a write. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}.${i}`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(v, `${path}.${k}`);
      if (hit) return hit;
    }
  }
  return null;
}
