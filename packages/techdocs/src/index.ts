export const placeholder = 'techdocs';
