/** A read outside any transaction, after migrations ran: the rows of one statement. */
export type SqlRead = <R>(text: string, params?: readonly unknown[]) => Promise<R[]>;

/** JSON text for a `::json` parameter. */
export const json = (value: unknown) => JSON.stringify(value);
