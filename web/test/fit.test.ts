// @vitest-environment jsdom
import { render } from 'lit-html';
import { afterEach, describe, expect, it } from 'vitest';
import { dictionaries, setLang } from '../src/i18n';
import { FIT_CHOICES, fitClass, fitsFromParam, fitsParam } from '../src/logic/fit';
import { FITS, type Match } from '../src/types';
import { matchCard } from '../src/ui';
import { filtersFromParams, matchInput } from '../src/views/firm';

afterEach(() => setLang('zh'));

describe('fit filter', () => {
  it('reads known fits from the URL, in enum order, once each, ignoring junk', () => {
    expect(fitsFromParam(null)).toBeUndefined();
    expect(fitsFromParam('')).toBeUndefined();
    expect(fitsFromParam('NEAR,product')).toBeUndefined();
    expect(fitsFromParam('ADJACENT,SEGMENT,ADJACENT,KING')).toEqual(['SEGMENT', 'ADJACENT']);
    expect(fitsParam(['ADJACENT', 'SEGMENT'])).toBe('SEGMENT,ADJACENT');
    expect(fitsParam(undefined)).toBe('');
  });

  it('every choice round-trips through the URL and names only real fits', () => {
    for (const c of FIT_CHOICES) {
      expect(fitsFromParam(c.value)).toEqual(c.fits);
      expect(fitsParam(c.fits)).toBe(c.value);
      for (const f of c.fits) expect(FITS).toContain(f);
    }
  });

  it('becomes MatchInput.fits, and is left out when all fits are wanted', () => {
    const near = filtersFromParams(new URLSearchParams('kind=customer&fit=SEGMENT,ADJACENT'));
    expect(matchInput('e1', near)).toEqual({ enterpriseId: 'e1', localOnly: true, first: 20, fits: ['SEGMENT', 'ADJACENT'] });
    expect(matchInput('e1', filtersFromParams(new URLSearchParams('fit=EVIL')))).not.toHaveProperty('fits');
  });

  it('has a label for every fit in both languages', () => {
    for (const f of FITS) {
      expect(dictionaries.zh[`fit_${f}`]).toBeTruthy();
      expect(dictionaries.en[`fit_${f}`]).toBeTruthy();
    }
  });
});

describe('fit badge on a match card', () => {
  const card = (m: Partial<Match>) => {
    const el = document.createElement('ol');
    render(matchCard({ score: 0.5, reasons: [], components: [], candidate: { id: 'e2', name: '嘉兴甲', isLocal: true }, ...m } as Match, 1), el);
    return el;
  };

  it('shows the fit, the very product styled apart from near fits', () => {
    setLang('en');
    const exact = card({ fit: 'PRODUCT' }).querySelector('[data-testid="fit"]');
    expect(exact?.textContent).toBe('Exact product');
    expect(exact?.classList.contains('exact')).toBe(true);
    const near = card({ fit: 'ADJACENT' }).querySelector('[data-testid="fit"]');
    expect(near?.textContent).toBe('Next segment');
    expect(near?.classList.contains('near')).toBe(true);
    expect(fitClass('SHARED')).toBe('shared');
  });

  it('shows no badge when the document did not ask for the fit', () => {
    expect(card({}).querySelector('[data-testid="fit"]')).toBeNull();
  });
});
