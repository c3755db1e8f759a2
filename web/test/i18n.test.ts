import { describe, expect, it } from 'vitest';
import { acceptLanguage, altNameOf, componentLabel, designationLabel, dictionaries, en, initialLang, nameOf, t, zh } from '../src/i18n';
import { SEVERITY_BANDS } from '../src/logic/severity';
import { DESIGNATIONS } from '../src/types';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have the same keys in zh and en, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const [lang, dict] of Object.entries(dictionaries)) {
      for (const [k, v] of Object.entries(dict)) expect(v.trim(), `${lang}.${k}`).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(placeholders(en[k]), k).toEqual(placeholders(zh[k]));
    }
  });

  it('cover every designation, severity band, stage and error code', () => {
    const keys = [
      ...DESIGNATIONS.map((d) => `desig_${d}`),
      ...SEVERITY_BANDS.map((b) => `severity_${b}`),
      ...['UPSTREAM', 'MIDSTREAM', 'DOWNSTREAM'].map((s) => `stage${s}`),
      ...['DATABASE_UNAVAILABLE', 'FORBIDDEN', 'UNAUTHENTICATED', 'RATE_LIMITED', 'BAD_USER_INPUT', 'NOT_FOUND', 'QUERY_TOO_COMPLEX', 'INTERNAL', 'NETWORK', 'HTTP', 'UNKNOWN'].map(
        (c) => `err_${c}`,
      ),
    ];
    for (const k of keys) {
      expect(zh, k).toHaveProperty(k);
      expect(en, k).toHaveProperty(k);
    }
  });
});

describe('t and names', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(t('since', { year: 2019 }, 'en')).toBe('since 2019');
    expect(t('since', { year: 2019 }, 'zh')).toBe('自 2019 年');
    expect(t('since', {}, 'en')).toBe('since {year}');
  });

  it('picks the name for the language, falling back to Chinese', () => {
    const n = { name: '光伏玻璃', nameEn: 'PV glass' };
    expect(nameOf(n, 'zh')).toBe('光伏玻璃');
    expect(nameOf(n, 'en')).toBe('PV glass');
    expect(nameOf({ name: '光伏玻璃', nameEn: null }, 'en')).toBe('光伏玻璃');
    expect(altNameOf(n, 'zh')).toBe('PV glass');
    expect(altNameOf(n, 'en')).toBe('光伏玻璃');
    expect(altNameOf({ name: '光伏玻璃' }, 'en')).toBe('');
  });

  it('labels every score component the server sends (internal/match/weights.go)', () => {
    for (const c of ['productFit', 'proximity', 'qualification', 'network', 'capacity', 'novelty', 'supplyAccess', 'marketAccess', 'chainFocus', 'gapFill']) {
      expect(componentLabel(c, 'zh'), c).not.toBe(c);
      expect(componentLabel(c, 'en'), c).not.toBe(c);
    }
  });

  it('labels designations and components', () => {
    expect(designationLabel('NATIONAL_LITTLE_GIANT', 'en')).toBe('National little giant');
    expect(componentLabel('productFit', 'zh')).toBe('产品契合');
    expect(componentLabel('somethingNew', 'en')).toBe('somethingNew');
  });

  it('sends Accept-Language for the interface language', () => {
    expect(acceptLanguage('en')).toMatch(/^en/);
    expect(acceptLanguage('zh')).toMatch(/^zh-CN/);
  });

  it('chooses the initial language', () => {
    expect(initialLang('en', 'zh-CN')).toBe('en');
    expect(initialLang(null, 'en-GB')).toBe('en');
    expect(initialLang(null, 'zh-TW')).toBe('zh');
    expect(initialLang('fr', undefined)).toBe('zh');
  });
});
