// Reproducible randomness for demos and tests. Two tools, for two jobs:
// - seededRandom: a sequence (mulberry32), for building a population or a schedule up front;
// - hashUnit: a number fixed by a key (FNV-1a + murmur3's finaliser), for per-message decisions
//   ("does delivery 2 of ORD-0005 fail?") that must not depend on which worker drew first.

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A number in [0, 1) determined only by `key` (and `seed`). */
export function hashUnit(key: string, seed = 0): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone barely changes when only the last character (say, the delivery number) does.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
