export const placeholder = 'scaffolder';
