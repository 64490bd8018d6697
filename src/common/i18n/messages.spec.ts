import { negotiateLanguage, translate } from './messages.js';

describe(negotiateLanguage.name, () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en-US', 'en-US'],
    ['en', 'en-US'],
    ['en-GB,en;q=0.9', 'en-US'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr-FR, en;q=0.5', 'en-US'],
    ['zh;q=0.1, en;q=0.9', 'en-US'],
    ['de-DE', 'zh-CN'],
    ['en;q=0', 'zh-CN'],
  ])('%s → %s', (header, lang) => {
    expect(negotiateLanguage(header)).toBe(lang);
  });
});

describe(translate.name, () => {
  it('interpolates parameters in both languages', () => {
    expect(translate('en-US', 'out_of_range', { min: 1, max: 100 })).toBe('must be between 1 and 100');
    expect(translate('zh-CN', 'out_of_range', { min: 1, max: 100 })).toBe('必须在 1 到 100 之间');
  });

  it('keeps the seed wording for the error codes', () => {
    expect(translate('zh-CN', 'validation_failed')).toBe('参数验证失败');
    expect(translate('zh-CN', 'too_many_requests')).toBe('请求过于频繁,请稍后重试');
  });
});
