/**
 * How sure a plugin is that it can log in on a network. Apple has none/low/high; we add
 * `medium` so a generic plugin (say, any WISPr gateway) can outrank a catch-all
 * (click-through) without claiming the certainty an operator's own plugin has.
 */
export const CONFIDENCES = ["none", "low", "medium", "high"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

const RANK: Readonly<Record<Confidence, number>> = { none: 0, low: 1, medium: 2, high: 3 };

export function confidenceRank(c: Confidence): number {
  return RANK[c];
}

/** Negative when a < b, positive when a > b. */
export function compareConfidence(a: Confidence, b: Confidence): number {
  return RANK[a] - RANK[b];
}
