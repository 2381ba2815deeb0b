export const placeholder = 'catalog';
