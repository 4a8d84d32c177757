import { storeConformanceCases } from '@omnithread/core/testing';
import { describe, it } from 'vitest';
import { memoryStore } from './memory.js';

describe('memoryStore conformance', () => {
  for (const c of storeConformanceCases({ create: () => memoryStore() })) it(c.name, c.run);
});
