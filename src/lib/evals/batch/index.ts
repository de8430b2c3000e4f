export * from './format.ts';
export * from './models.ts';
export * from './answers.ts';
export * from './grading.ts';
