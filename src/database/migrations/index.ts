import { InitialSchema1764400000000 } from './1764400000000-initial-schema.js';
import { Devices1764500000000 } from './1764500000000-devices.js';
import { OAuth1764700000000 } from './1764700000000-oauth.js';
import { Webhooks1764600000000 } from './1764600000000-webhooks.js';
import { Commands1764800000000 } from './1764800000000-commands.js';

/** In order. A new migration is appended here and never edited once released. */
export const MIGRATIONS = [
  InitialSchema1764400000000,
  Devices1764500000000,
  OAuth1764700000000,
  Webhooks1764600000000,
  Commands1764800000000,
];
