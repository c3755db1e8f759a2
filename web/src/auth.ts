// The API key lives in sessionStorage only: gone when the tab closes.
const KEY = 'chainmatch.apiKey';

export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setApiKey(key: string | null): void {
  try {
    if (key && key.trim()) sessionStorage.setItem(KEY, key.trim());
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage disabled: stay anonymous */
  }
}
