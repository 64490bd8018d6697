import { InitialSchema1764400000000 } from './1764400000000-initial-schema.js';
import { Webhooks1764600000000 } from './1764600000000-webhooks.js';

/** In order. A new migration is appended here and never edited once released. */
export const MIGRATIONS = [InitialSchema1764400000000, Webhooks1764600000000];
