/** The contract's error codes (SPEC §3), each with its HTTP status. */
export enum ErrorCode {
  ValidationFailed = 40001,
  WrongParameterType = 40002,
  TokenInvalid = 40101,
  TokenExpired = 40102,
  Forbidden = 40301,
  AccessRestricted = 40302,
  NotFound = 40401,
  AlreadyExists = 40901,
  BusinessRule = 42201,
  DeviceOffline = 42202,
  TooManyRequests = 42901,
  Internal = 50001,
  DeviceTimeout = 50401,
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.WrongParameterType:
      return 400;
    case ErrorCode.TokenInvalid:
    case ErrorCode.TokenExpired:
      return 401;
    case ErrorCode.Forbidden:
    case ErrorCode.AccessRestricted:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.AlreadyExists:
      return 409;
    case ErrorCode.BusinessRule:
    case ErrorCode.DeviceOffline:
      return 422;
    case ErrorCode.TooManyRequests:
      return 429;
    case ErrorCode.Internal:
      return 500;
    case ErrorCode.DeviceTimeout:
      return 504;
  }
}
