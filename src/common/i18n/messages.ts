/**
 * Every human-readable message the API returns, in the two languages of the contract.
 * zh-CN is the default (the seed's language); `Accept-Language: en-US` selects English.
 */
const zhCN = {
  // one per error code
  validation_failed: '参数验证失败',
  wrong_parameter_type: '参数类型错误',
  token_invalid: 'Token 无效',
  token_expired: 'Token 已过期',
  forbidden: '无操作权限',
  access_restricted: '资源访问受限',
  not_found: '资源不存在',
  already_exists: '数据已存在',
  business_rule: '业务规则校验失败',
  device_offline: '设备离线',
  too_many_requests: '请求过于频繁,请稍后重试',
  internal: '服务器内部错误',
  device_timeout: '设备响应超时',
  // request level
  route_not_found: '接口不存在:{method} {path}',
  payload_too_large: '请求体过大(最大 {limit})',
  invalid_json: '请求体不是合法的 JSON',
  unsupported_media_type: '不支持的内容类型 {type},请使用 {expected}',
  body_required: '缺少请求体',
  token_missing: '缺少 Authorization: Bearer 令牌',
  token_in_query: '不接受查询字符串中的令牌,请使用 Authorization 头',
  scope_required: '需要 {scope} 权限',
  role_required: '需要管理员角色',
  // field level
  field_required: '不能为空',
  field_unknown: '不允许的字段',
  field_invalid: '格式不正确',
  email_invalid: '邮箱格式不正确',
  expected_type: '应为 {type} 类型',
  expected_one_of: '必须是以下值之一:{values}',
  out_of_range: '必须在 {min} 到 {max} 之间',
  too_long: '长度不能超过 {max}',
  too_short: '长度不能少于 {min}',
  too_many_items: '最多 {max} 项',
  too_few_items: '至少 {min} 项',
  // query grammar
  query_unknown_parameter: '不支持的查询参数',
  query_unknown_operator: '不支持的过滤运算符 {operator}',
  query_operator_not_allowed: '字段 {field} 不支持运算符 {operator}',
  query_not_filterable: '该字段不支持过滤',
  query_not_sortable: '该字段不支持排序,可选:{fields}',
  query_unknown_field: '未知字段,可选:{fields}',
  query_cursor_invalid: '游标无效',
  query_cursor_mismatch: '游标与当前排序条件不一致',
  query_page_and_cursor: 'page 与 limit/cursor 不能同时使用',
  query_repeated: '参数不能重复',
  // resources
  email_taken: '该邮箱已被使用',
  customer_not_found: '客户不存在',
  customer_has_orders: '客户存在订单,无法删除',
  order_not_modifiable: '订单状态为 {status},不能修改',
  order_already_paid: '订单已支付',
  order_cancelled: '订单已取消',
  order_paid_cannot_delete: '已支付的订单不能删除',
  order_amount_too_large: '订单金额过大',
  admin_scope_requires_admin: '只有管理员用户可以拥有 admin 权限',
  cannot_delete_self: '不能删除当前登录的用户',
  last_admin: '至少需要保留一个管理员',
  user_not_found: '用户不存在',
  csv_file_required: '请上传 CSV 文件(字段名 file)',
  csv_unreadable: 'CSV 无法解析:{reason}',
  csv_too_many_rows: 'CSV 最多 {max} 行',
  csv_unknown_columns: '未知的列:{columns}',
  csv_missing_column: '缺少必需的列:{column}',
  batch_item_failed: '第 {index} 项校验失败',
  // oauth
  redirect_uri_invalid: '必须是 https 地址(本机回环地址可用 http),且不含片段(#)和用户信息',
  oauth_page_login_title: '登录',
  oauth_login_heading: '登录以继续使用 {client}',
  oauth_login_subtitle: '请使用您的 {product} 平台账号登录',
  oauth_email: '邮箱',
  oauth_password: '密码',
  oauth_sign_in: '登录',
  oauth_login_failed: '邮箱或密码不正确',
  oauth_login_missing: '请输入邮箱和密码',
  oauth_login_throttled: '登录失败次数过多,请在 {minutes} 分钟后重试',
  oauth_page_consent_title: '授权访问',
  oauth_consent_heading: '{client} 请求访问您的账号',
  oauth_signed_in_as: '已登录为 {email}',
  oauth_consent_intro: '授权后,该应用将能够:',
  oauth_scope_read: '查看您的设备、遥测数据、告警、命令、客户、订单和事件',
  oauth_scope_write: '创建和修改设备、客户和订单,并向设备发送命令',
  oauth_consent_redirect: '授权后将跳转到 {host}',
  oauth_consent_trust: '请仅授权您信任的应用。管理员可随时撤销该应用的访问权限。',
  oauth_approve: '授权',
  oauth_deny: '拒绝',
  oauth_page_error_title: '无法完成授权',
  oauth_error_heading: '授权请求无效',
  oauth_error_client: '未知的应用:client_id 缺失或无效。',
  oauth_error_redirect_uri: 'redirect_uri 缺失,或未在该应用中注册。为了您的安全,本页面不会跳转。',
  oauth_error_repeated: '参数 {name} 重复出现。',
  oauth_error_expired: '该授权请求已过期或已完成。请返回应用重新发起。',
  oauth_error_csrf: '表单校验失败(CSRF 令牌缺失或无效)。请返回应用重新发起。',
  oauth_error_decision: '无效的授权决定。',
  oauth_error_internal: '服务器内部错误,请稍后重试。',
  oauth_error_hint: '如果问题持续存在,请联系该应用的开发者。',
  // devices / broker
  device_id_taken: '该设备 ID 已存在',
  // webhooks
  webhook_url_invalid: '必须是 http:// 或 https:// 地址',
  webhook_url_credentials: '不能包含用户名或密码',
  webhook_url_private: '不允许指向本机、内网、链路本地等非公网地址',
  webhook_event_unknown: '未知的事件类型:{event}',
  webhook_secret_invalid: '密钥须为 16–256 个可见 ASCII 字符;以 whsec_ 开头时,其后须为至少 16 字节的 Base64',
  webhook_disabled: 'Webhook 已停用,请先启用',
  // commands
  command_device_offline: '设备离线:未设置 ttlSeconds 的命令不会排队',
  command_device_disabled: '设备已禁用,不能向其发送命令',
  command_device_timeout: '设备未在 {timeoutMs} 毫秒内响应',
  command_not_delivered: '命令在过期前未能送达设备(设备未订阅命令主题)',
  command_queue_full: '设备 {deviceId} 的排队命令已达上限({max} 条)',
  command_finished: '命令已结束(状态 {status}),不能取消',
  command_duplicate_device: '设备 ID 重复',
  command_device_not_found: '设备不存在',
  command_device_is_disabled: '设备已禁用',
  idempotency_key_invalid: 'Idempotency-Key 必须是 1 到 255 个可见 ASCII 字符',
  idempotency_key_reused: '该 Idempotency-Key 已用于另一个不同的请求',
} as const;

export type MessageKey = keyof typeof zhCN;

const enUS: Record<MessageKey, string> = {
  validation_failed: 'Validation failed',
  wrong_parameter_type: 'Wrong parameter type',
  token_invalid: 'Invalid token',
  token_expired: 'Token expired',
  forbidden: 'Permission denied',
  access_restricted: 'Resource access restricted',
  not_found: 'Resource not found',
  already_exists: 'Resource already exists',
  business_rule: 'Business rule failed',
  device_offline: 'Device is offline',
  too_many_requests: 'Too many requests, please retry later',
  internal: 'Internal server error',
  device_timeout: 'Device did not reply in time',
  route_not_found: 'No such route: {method} {path}',
  payload_too_large: 'Request body too large (max {limit})',
  invalid_json: 'Request body is not valid JSON',
  unsupported_media_type: 'Unsupported content type {type}; use {expected}',
  body_required: 'Request body is required',
  token_missing: 'Missing Authorization: Bearer token',
  token_in_query: 'Tokens in the query string are not accepted; use the Authorization header',
  scope_required: 'The {scope} scope is required',
  role_required: 'The admin role is required',
  field_required: 'is required',
  field_unknown: 'unknown field',
  field_invalid: 'is invalid',
  email_invalid: 'is not a valid email address',
  expected_type: 'expected {type}',
  expected_one_of: 'must be one of: {values}',
  out_of_range: 'must be between {min} and {max}',
  too_long: 'must be at most {max} long',
  too_short: 'must be at least {min} long',
  too_many_items: 'at most {max} items',
  too_few_items: 'at least {min} items',
  query_unknown_parameter: 'unknown query parameter',
  query_unknown_operator: 'unknown filter operator {operator}',
  query_operator_not_allowed: 'field {field} does not support operator {operator}',
  query_not_filterable: 'this field cannot be filtered',
  query_not_sortable: 'this field cannot be sorted; allowed: {fields}',
  query_unknown_field: 'unknown field; allowed: {fields}',
  query_cursor_invalid: 'malformed cursor',
  query_cursor_mismatch: 'the cursor was issued for another sort order',
  query_page_and_cursor: 'page cannot be combined with limit/cursor',
  query_repeated: 'parameter given more than once',
  email_taken: 'this email is already in use',
  customer_not_found: 'customer does not exist',
  customer_has_orders: 'the customer has orders and cannot be deleted',
  order_not_modifiable: 'the order is {status} and cannot be modified',
  order_already_paid: 'the order is already paid',
  order_cancelled: 'the order is cancelled',
  order_paid_cannot_delete: 'a paid order cannot be deleted',
  order_amount_too_large: 'the order amount is too large',
  admin_scope_requires_admin: 'only admin users can hold the admin scope',
  cannot_delete_self: 'you cannot delete the user you are signed in as',
  last_admin: 'at least one admin must remain',
  user_not_found: 'user does not exist',
  csv_file_required: 'upload a CSV file in the form field "file"',
  csv_unreadable: 'the CSV cannot be parsed: {reason}',
  csv_too_many_rows: 'the CSV may hold at most {max} rows',
  csv_unknown_columns: 'unknown columns: {columns}',
  csv_missing_column: 'missing required column: {column}',
  batch_item_failed: 'item {index} failed validation',
  // oauth
  redirect_uri_invalid: 'must be an https URI (http only on a loopback host), without fragment (#) or user info',
  oauth_page_login_title: 'Sign in',
  oauth_login_heading: 'Sign in to continue to {client}',
  oauth_login_subtitle: 'Use your {product} platform account',
  oauth_email: 'Email',
  oauth_password: 'Password',
  oauth_sign_in: 'Sign in',
  oauth_login_failed: 'Incorrect email or password',
  oauth_login_missing: 'Enter your email and password',
  oauth_login_throttled: 'Too many failed sign-in attempts. Try again in {minutes} minutes.',
  oauth_page_consent_title: 'Authorize access',
  oauth_consent_heading: '{client} wants to access your account',
  oauth_signed_in_as: 'Signed in as {email}',
  oauth_consent_intro: 'This will allow the application to:',
  oauth_scope_read: 'View your devices, telemetry, alerts, commands, customers, orders and events',
  oauth_scope_write: 'Create and change devices, customers and orders, and send commands to devices',
  oauth_consent_redirect: 'You will be redirected to {host}',
  oauth_consent_trust: 'Only authorize applications you trust. An administrator can revoke its access at any time.',
  oauth_approve: 'Allow',
  oauth_deny: 'Deny',
  oauth_page_error_title: 'Authorization failed',
  oauth_error_heading: 'Invalid authorization request',
  oauth_error_client: 'Unknown application: the client_id is missing or invalid.',
  oauth_error_redirect_uri:
    'The redirect_uri is missing or not registered for this application. For your safety, this page does not redirect.',
  oauth_error_repeated: 'The parameter {name} was given more than once.',
  oauth_error_expired:
    'This authorization request has expired or was already completed. Return to the application and start again.',
  oauth_error_csrf:
    'The form could not be verified (missing or invalid CSRF token). Return to the application and start again.',
  oauth_error_decision: 'Invalid decision.',
  oauth_error_internal: 'Internal server error. Please try again later.',
  oauth_error_hint: 'If the problem persists, contact the developer of the application.',
  // devices / broker
  device_id_taken: 'a device with this id already exists',
  // webhooks
  webhook_url_invalid: 'must be an http:// or https:// URL',
  webhook_url_credentials: 'must not contain a user name or password',
  webhook_url_private: 'must not point to a loopback, private, link-local or other non-public address',
  webhook_event_unknown: 'unknown event type: {event}',
  webhook_secret_invalid:
    'the secret must be 16–256 visible ASCII characters; after a whsec_ prefix, the Base64 of at least 16 bytes',
  webhook_disabled: 'the webhook is disabled; enable it first',
  // commands
  command_device_offline: 'Device is offline: a command without ttlSeconds is not queued',
  command_device_disabled: 'The device is disabled: no commands can be sent to it',
  command_device_timeout: 'The device did not reply within {timeoutMs} ms',
  command_not_delivered: 'The command could not be delivered before it expired (the device has not subscribed)',
  command_queue_full: 'Device {deviceId} already has {max} queued commands',
  command_finished: 'The command has already ended ({status}) and cannot be cancelled',
  command_duplicate_device: 'duplicate device id',
  command_device_not_found: 'device does not exist',
  command_device_is_disabled: 'device is disabled',
  idempotency_key_invalid: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
  idempotency_key_reused: 'This Idempotency-Key was already used for a different request',
};

export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

const catalogs: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };

export type MessageParams = Record<string, string | number>;

export function translate(lang: Language, key: MessageKey, params?: MessageParams): string {
  const template = catalogs[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/**
 * Picks the response language from an Accept-Language header: the highest-weighted tag we support,
 * matching by primary subtag (`en`, `en-GB` → en-US; `zh`, `zh-TW` → zh-CN); zh-CN otherwise.
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const candidates = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((c) => c.tag && c.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of candidates) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en-US';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return DEFAULT_LANGUAGE;
}
