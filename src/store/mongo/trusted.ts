// Marks the store's own query operators as trusted, so sanitizeFilter still disarms caller values.
import mongoose from 'mongoose';

/*
 * The connection runs with sanitizeFilter: any object holding `$` keys in a filter is wrapped
 * in `$eq`, so a caller's `{"$ne": null}` can only ever match literally. Operators this store
 * writes itself (`$lt`, `$in`, `$expr`...) are wrapped by `op()` to pass through unchanged.
 * Caller values themselves are only ever placed as plain scalars.
 */
export const op = <T extends object>(operator: T): T => mongoose.trusted(operator) as T;
