import { z } from 'zod';

export const Health = z
  .object({ status: z.enum(['ok', 'unavailable']), database: z.enum(['up', 'down']) })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;
