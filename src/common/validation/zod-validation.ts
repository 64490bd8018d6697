import { z } from 'zod';
import { AppException, type FieldError, fieldError } from '../errors/app.exception.js';
import type { Language } from '../i18n/messages.js';

const localeErrors: Record<Language, z.core.$ZodErrorMap> = {
  'zh-CN': z.locales.zhCN().localeError,
  'en-US': z.locales.en().localeError,
};

/** `['items', 0, 'name']` → `items[0].name` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

function localize(issue: z.core.$ZodIssue, lang: Language): string {
  const custom = issue.message;
  // A message given in a schema (`.refine(fn, 'key')`) is ours; zod's own English defaults are replaced.
  const rendered = localeErrors[lang](issue as unknown as z.core.$ZodRawIssue);
  if (issue.code === 'custom' && custom) return custom;
  if (typeof rendered === 'string') return rendered;
  return rendered?.message ?? custom;
}

/** Turns zod issues into the contract's per-field errors, messages rendered in the caller's language. */
export function issuesToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push(fieldError(formatPath([...path, key]), 'field_unknown'));
    } else if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
      errors.push(fieldError(formatPath(path), 'field_required'));
    } else if (issue.code === 'invalid_format' && issue.format === 'email') {
      errors.push(fieldError(formatPath(path), 'email_invalid'));
    } else if (issue.code === 'invalid_format' && issue.format === 'regex') {
      // zod would quote the pattern at the client; say what is wrong in words instead
      errors.push(fieldError(formatPath(path), 'field_invalid'));
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // report the branch that got furthest rather than "invalid input"
      const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
      errors.push(...issuesToFieldErrors(best, path));
    } else {
      errors.push({ field: formatPath(path), message: (lang) => localize(issue, lang) });
    }
  }
  return errors;
}

/** Validates `data`; throws 40001 with one error per field at fault. */
export function validate<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const rootMissing = data === undefined || data === null;
  if (rootMissing) throw AppException.validation([], 'body_required');
  throw AppException.validation(issuesToFieldErrors(result.error.issues));
}
