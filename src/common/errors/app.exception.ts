import { ErrorCode, httpStatusOf } from './error-code.js';
import { type Language, type MessageKey, type MessageParams, translate } from '../i18n/messages.js';

/** One field at fault; its message is rendered in the caller's language when the response is written. */
export interface FieldError {
  field: string;
  message: (lang: Language) => string;
}

export function fieldError(field: string, key: MessageKey, params?: MessageParams): FieldError {
  return { field, message: (lang) => translate(lang, key, params) };
}

const DEFAULT_KEYS: Record<ErrorCode, MessageKey> = {
  [ErrorCode.ValidationFailed]: 'validation_failed',
  [ErrorCode.WrongParameterType]: 'wrong_parameter_type',
  [ErrorCode.TokenInvalid]: 'token_invalid',
  [ErrorCode.TokenExpired]: 'token_expired',
  [ErrorCode.Forbidden]: 'forbidden',
  [ErrorCode.AccessRestricted]: 'access_restricted',
  [ErrorCode.NotFound]: 'not_found',
  [ErrorCode.AlreadyExists]: 'already_exists',
  [ErrorCode.BusinessRule]: 'business_rule',
  [ErrorCode.DeviceOffline]: 'device_offline',
  [ErrorCode.TooManyRequests]: 'too_many_requests',
  [ErrorCode.Internal]: 'internal',
  [ErrorCode.DeviceTimeout]: 'device_timeout',
};

export interface AppExceptionOptions {
  key?: MessageKey;
  params?: MessageParams;
  errors?: FieldError[];
  /** Extra top-level body members (e.g. `retryAfter`, or `data` for a timed-out command). */
  extra?: Record<string, unknown>;
  /** Overrides the code's usual HTTP status (413 for an oversized body, still code 40001). */
  status?: number;
  headers?: Record<string, string>;
}

/** The one exception type of the domain: a contract error code plus a translatable message. */
export class AppException extends Error {
  readonly status: number;
  readonly key: MessageKey;

  constructor(
    readonly code: ErrorCode,
    readonly options: AppExceptionOptions = {},
  ) {
    super(`${code} ${options.key ?? DEFAULT_KEYS[code]}`);
    this.key = options.key ?? DEFAULT_KEYS[code];
    this.status = options.status ?? httpStatusOf(code);
  }

  render(lang: Language): string {
    return translate(lang, this.key, this.options.params);
  }

  static validation(errors: FieldError[], key: MessageKey = 'validation_failed'): AppException {
    return new AppException(ErrorCode.ValidationFailed, { key, errors });
  }

  static wrongType(errors: FieldError[]): AppException {
    return new AppException(ErrorCode.WrongParameterType, { errors });
  }

  static notFound(): AppException {
    return new AppException(ErrorCode.NotFound);
  }

  static conflict(errors?: FieldError[]): AppException {
    return new AppException(ErrorCode.AlreadyExists, errors ? { errors } : {});
  }

  static businessRule(key: MessageKey, params?: MessageParams, errors?: FieldError[]): AppException {
    return new AppException(ErrorCode.BusinessRule, { key, ...(params && { params }), ...(errors && { errors }) });
  }
}
