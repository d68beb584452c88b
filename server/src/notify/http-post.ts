/** POSTs with a deadline and returns the status and the parsed body; a network failure is `status: undefined`. */
export async function postJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number | undefined; body: unknown; error?: string }> {
  return postRaw(url, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body), timeoutMs);
}

export async function postRaw(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  timeoutMs: number,
): Promise<{ status: number | undefined; body: unknown; error?: string }> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text for the record.
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { status: undefined, body: undefined, error: (error as Error).message };
  }
}
