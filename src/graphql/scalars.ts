import { DateTimeISOResolver, JSONObjectResolver } from 'graphql-scalars';

/**
 * Instants are `DateTimeISO` (ISO-8601, always rendered in UTC with milliseconds); free-form maps such as run
 * parameters and model metrics are `JSONObject`.
 */
export const DateTimeScalar = DateTimeISOResolver;
export const JSONObjectScalar = JSONObjectResolver;
