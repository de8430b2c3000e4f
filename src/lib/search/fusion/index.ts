/** Rank and score fusion: RRF, weighted RRF, CombSUM / CombMNZ over normalised scores. */
export * from './rrf.ts';
export * from './score.ts';
