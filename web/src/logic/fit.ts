// Match fits: the filter choices of the matches view and their URL form.
import { FITS, type ProductFit } from '../types';

/** The fit filter choices: one fit, or the near fits together. */
export const FIT_CHOICES: { value: string; fits: ProductFit[] }[] = [
  { value: 'PRODUCT', fits: ['PRODUCT'] },
  { value: 'SEGMENT,ADJACENT', fits: ['SEGMENT', 'ADJACENT'] },
  { value: 'SEGMENT', fits: ['SEGMENT'] },
  { value: 'ADJACENT', fits: ['ADJACENT'] },
  { value: 'SHARED', fits: ['SHARED'] },
];

/** "?fit=SEGMENT,ADJACENT" -> ['SEGMENT', 'ADJACENT']: known fits only, in enum order, once each; undefined for none. */
export function fitsFromParam(v: string | null | undefined): ProductFit[] | undefined {
  const asked = new Set((v ?? '').split(',').map((x) => x.trim()));
  const fits = FITS.filter((f) => asked.has(f));
  return fits.length ? fits : undefined;
}

/** The URL form of a fit list ("" for all). */
export function fitsParam(fits: ProductFit[] | undefined): string {
  return fits?.length ? FITS.filter((f) => fits.includes(f)).join(',') : '';
}

/** The badge style of a fit: the very product stands out, near fits are muted. */
export function fitClass(fit: ProductFit): 'exact' | 'near' | 'shared' {
  if (fit === 'PRODUCT') return 'exact';
  return fit === 'SHARED' ? 'shared' : 'near';
}
