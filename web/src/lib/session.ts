// The signed-in API key lives in session storage only: closing the tab or signing out forgets it.

const KEY = "wc.apiKey";

export function storedApiKey(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeApiKey(apiKey: string): void {
  sessionStorage.setItem(KEY, apiKey);
}

export function clearSession(): void {
  sessionStorage.clear();
}
